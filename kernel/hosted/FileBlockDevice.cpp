/*
 * kernel/hosted/FileBlockDevice.cpp: the file-backed block device.
 */
#include <base/Log.h>
#include <kernel/hosted/FileBlockDevice.h>

#include <errno.h>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

namespace Hosted {

FileBlockDevice::FileBlockDevice(int fd, u64 block_count)
    : m_fd(fd)
    , m_block_count(block_count)
{ }

FileBlockDevice::~FileBlockDevice()
{
    if (m_worker_started) {
        pthread_mutex_lock(&m_lock);
        m_stopping = true;
        pthread_cond_broadcast(&m_work_available);
        pthread_mutex_unlock(&m_lock);
        pthread_join(m_worker, nullptr);
    }
    if (m_fd >= 0)
        close(m_fd);
}

ErrorOr<NonnullOwnPtr<FileBlockDevice>> FileBlockDevice::open(StringView path, u64 create_blocks)
{
    char path_z[256];
    if (path.length() + 1 > sizeof(path_z))
        return Error::from_code(ErrorCode::InvalidArgument);
    __builtin_memcpy(path_z, path.characters_without_null_termination(), path.length());
    path_z[path.length()] = '\0';

    int flags = O_RDWR | O_CLOEXEC | (create_blocks ? O_CREAT : 0);
    int fd = ::open(path_z, flags, 0644);
    if (fd < 0)
        return Error::from_code(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::IoFailure);
    struct stat status { };
    if (fstat(fd, &status) < 0) {
        close(fd);
        return Error::from_code(ErrorCode::IoFailure);
    }
    u64 size = static_cast<u64>(status.st_size);
    if (create_blocks && size < create_blocks * Hal::block_size) {
        size = create_blocks * Hal::block_size;
        if (ftruncate(fd, static_cast<off_t>(size)) < 0) {
            close(fd);
            return Error::from_code(ErrorCode::NoSpace);
        }
    }
    if (size % Hal::block_size != 0 || size == 0) {
        close(fd);
        return Error::from_string_literal("the disk file's size is not a non-zero multiple of 4 KiB");
    }
    auto device
        = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) FileBlockDevice(fd, size / Hal::block_size)));
    __builtin_memcpy(device->m_path, path_z, path.length());
    device->m_path_length = path.length();
    if (pthread_create(&device->m_worker, nullptr, worker_entry, device.ptr()) != 0)
        return Error::from_code(ErrorCode::OutOfMemory);
    device->m_worker_started = true;
    return device;
}

ErrorOr<void> FileBlockDevice::submit(Hal::BlockRequest& request)
{
    if (request.operation != Hal::BlockOperation::Flush) {
        if (!request.buffer || request.block_count == 0 || request.block_count > maximum_blocks_per_request())
            return Error::from_code(ErrorCode::InvalidArgument);
        if (request.block >= m_block_count || request.block_count > m_block_count - request.block)
            return Error::from_code(ErrorCode::OutOfRange);
    }
    request.start();
    request.port_next = nullptr;
    pthread_mutex_lock(&m_lock);
    if (m_queue_tail)
        m_queue_tail->port_next = &request;
    else
        m_queue_head = &request;
    m_queue_tail = &request;
    pthread_cond_signal(&m_work_available);
    pthread_mutex_unlock(&m_lock);
    return {};
}

ErrorOr<void> FileBlockDevice::wait(Hal::BlockRequest& request)
{
    pthread_mutex_lock(&m_lock);
    while (!request.is_complete())
        pthread_cond_wait(&m_request_done, &m_lock);
    pthread_mutex_unlock(&m_lock);
    return request.result();
}

void* FileBlockDevice::worker_entry(void* self)
{
    static_cast<FileBlockDevice*>(self)->run_worker();
    return nullptr;
}

Optional<ErrorCode> FileBlockDevice::perform(Hal::BlockRequest& request)
{
    if (request.operation == Hal::BlockOperation::Flush)
        return fdatasync(m_fd) == 0 ? Optional<ErrorCode> {} : ErrorCode::IoFailure;
    auto* bytes = static_cast<u8*>(request.buffer);
    usize total = usize(request.block_count) * Hal::block_size;
    auto offset = static_cast<off_t>(request.block * Hal::block_size);
    usize done = 0;
    while (done < total) {
        ssize_t moved = request.operation == Hal::BlockOperation::Read
            ? pread(m_fd, bytes + done, total - done, offset + static_cast<off_t>(done))
            : pwrite(m_fd, bytes + done, total - done, offset + static_cast<off_t>(done));
        if (moved < 0 && errno == EINTR)
            continue;
        if (moved < 0)
            return errno == ENOSPC ? ErrorCode::NoSpace : ErrorCode::IoFailure;
        if (moved == 0)
            return ErrorCode::EndOfData;
        done += static_cast<usize>(moved);
    }
    return {};
}

void FileBlockDevice::run_worker()
{
    pthread_mutex_lock(&m_lock);
    for (;;) {
        while (!m_queue_head && !m_stopping)
            pthread_cond_wait(&m_work_available, &m_lock);
        if (!m_queue_head)
            break;
        auto* request = m_queue_head;
        m_queue_head = request->port_next;
        if (!m_queue_head)
            m_queue_tail = nullptr;
        pthread_mutex_unlock(&m_lock);
        // The completion runs without the lock, so it may submit more requests. wait()
        // checks completion under the lock, so the broadcast below cannot be missed.
        request->finish(perform(*request));
        pthread_mutex_lock(&m_lock);
        pthread_cond_broadcast(&m_request_done);
    }
    pthread_mutex_unlock(&m_lock);
}

} // namespace Hosted
