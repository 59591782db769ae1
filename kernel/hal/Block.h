/*
 * kernel/hal/Block.h: the block device of the HAL: a disk of 4 KiB blocks with
 * asynchronous reads and writes, a FLUSH barrier and its capacity.
 *
 * The caller owns a BlockRequest, fills it in, hands it to submit() and keeps it (and its
 * buffer) alive until the completion runs. The completion runs exactly once per accepted
 * request, possibly on another thread or in interrupt context (pc), so it must be short: set
 * a flag, signal a Hal::Event, queue work. wait() blocks the caller until one request has
 * completed, for code that wants a synchronous transfer.
 *
 * Ordering: requests may complete in any order. A FLUSH completes after every write that
 * COMPLETED before the flush was submitted is on stable storage (not merely submitted: wait
 * for the writes first). Completion of a write alone promises nothing about durability.
 *   - pc: virtio-blk over virtio-pci (FLUSH = VIRTIO_BLK_T_FLUSH; VIRTIO_BLK_F_FLUSH is
 *     required), interrupt-driven through MSI-X when available, polled otherwise.
 *   - hosted: a file; FLUSH = fdatasync().
 */
#pragma once

#include <base/Error.h>
#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/StringView.h>
#include <base/Types.h>

namespace Hal {

// The unit of every transfer.
constexpr usize block_size = 4096;

enum class BlockOperation : u8 {
    Read,
    Write,
    Flush,
};

struct BlockRequest;

// Called once when a request has finished; `request.result()` tells how.
using BlockCompletion = void (*)(BlockRequest& request);

// One transfer. Fill in the public fields, then submit().
struct BlockRequest {
    BlockOperation operation {BlockOperation::Read};
    // The first block (ignored for Flush).
    u64 block {0};
    // How many consecutive blocks (1..BlockDevice::maximum_blocks_per_request()); 0 for Flush.
    u32 block_count {1};
    // block_count * block_size bytes: read into, or written from. Any alignment.
    void* buffer {nullptr};
    // Optional: runs on completion (see the file comment for where).
    BlockCompletion completion {nullptr};
    // Free for the caller's use in the completion.
    void* context {nullptr};

    // Whether the request has finished (set just before the completion runs).
    bool is_complete() const { return __atomic_load_n(&m_complete, __ATOMIC_ACQUIRE); }
    // The outcome once complete: OutOfRange, IoFailure (device error), Unsupported.
    ErrorOr<void> result() const
    {
        if (m_error_code.has_value())
            return Error(*m_error_code);
        return {};
    }

    // For the port: records the outcome, then runs the completion. Not for callers.
    void finish(Optional<ErrorCode> error)
    {
        m_error_code = error;
        __atomic_store_n(&m_complete, true, __ATOMIC_RELEASE);
        if (completion)
            completion(*this);
    }
    // For the port: marks the request as in flight. Not for callers.
    void start()
    {
        m_error_code = {};
        __atomic_store_n(&m_complete, false, __ATOMIC_RELEASE);
    }

    // For the port's queue of waiting requests.
    BlockRequest* port_next {nullptr};
    void* port_data {nullptr};

private:
    Optional<ErrorCode> m_error_code;
    bool m_complete {false};
};

// A disk.
class BlockDevice {
public:
    virtual ~BlockDevice() = default;

    // A short name for logs ("virtio-blk 00:04.0", a file path).
    virtual StringView name() const = 0;
    // The capacity in blocks of block_size bytes.
    virtual u64 block_count() const = 0;
    // The largest block_count one request may carry.
    virtual u32 maximum_blocks_per_request() const = 0;
    // Starts a request. Fails at once (and never completes) for a malformed request:
    // InvalidArgument (no buffer, bad count), OutOfRange (past the end of the disk).
    // Otherwise the request is queued and completes later with its own result.
    virtual ErrorOr<void> submit(BlockRequest&) = 0;
    // Blocks until `request` (already submitted) is complete and returns its result.
    virtual ErrorOr<void> wait(BlockRequest&) = 0;

    // Convenience: submit() + wait() of one request.
    ErrorOr<void> transfer(BlockOperation operation, u64 block, u32 count, void* buffer)
    {
        BlockRequest request;
        request.operation = operation;
        request.block = block;
        request.block_count = operation == BlockOperation::Flush ? 0 : count;
        request.buffer = buffer;
        TRY(submit(request));
        return wait(request);
    }
};

// The machine's disk: pc, the first virtio-blk device; hosted, the file named by `disk=PATH`
// on the command line or the PHANTOM_DISK environment variable. NotFound when there is none.
ErrorOr<BlockDevice*> system_block_device();

} // namespace Hal
