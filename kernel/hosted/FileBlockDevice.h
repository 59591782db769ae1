/*
 * kernel/hosted/FileBlockDevice.h: the hosted port's Hal::BlockDevice: a regular file of
 * 4 KiB blocks. One worker thread performs the requests in submission order with
 * pread/pwrite; FLUSH is fdatasync(), so it reaches the disk under the file. Completions run
 * on the worker thread.
 */
#pragma once

#include <base/OwnPtr.h>
#include <kernel/hal/Block.h>

#include <pthread.h>

namespace Hosted {

class FileBlockDevice final : public Hal::BlockDevice {
public:
    // Opens (with CreateBlocks, creates or extends to that many blocks) the file at `path`.
    // Its size must be a multiple of the block size.
    static ErrorOr<NonnullOwnPtr<FileBlockDevice>> open(StringView path, u64 create_blocks = 0);
    ~FileBlockDevice() override;

    StringView name() const override { return {m_path, m_path_length}; }
    u64 block_count() const override { return m_block_count; }
    u32 maximum_blocks_per_request() const override { return 256; }
    ErrorOr<void> submit(Hal::BlockRequest&) override;
    ErrorOr<void> wait(Hal::BlockRequest&) override;

private:
    FileBlockDevice(int fd, u64 block_count);
    static void* worker_entry(void*);
    void run_worker();
    Optional<ErrorCode> perform(Hal::BlockRequest&);

    int m_fd {-1};
    u64 m_block_count {0};
    char m_path[256] {};
    usize m_path_length {0};
    pthread_t m_worker {};
    bool m_worker_started {false};
    pthread_mutex_t m_lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t m_work_available = PTHREAD_COND_INITIALIZER;
    pthread_cond_t m_request_done = PTHREAD_COND_INITIALIZER;
    Hal::BlockRequest* m_queue_head {nullptr};
    Hal::BlockRequest* m_queue_tail {nullptr};
    bool m_stopping {false};
};

} // namespace Hosted
