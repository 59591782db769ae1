/*
 * kernel/pc/virtio/VirtioBlock.cpp: virtio-blk (virtio 1.1 section 5.2) over the modern
 * transport. Sectors are 512 bytes on the wire; the HAL speaks 4 KiB blocks.
 */
#include <base/Format.h>
#include <base/Log.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/virtio/VirtioBlock.h>
#include <new>

namespace Kernel::Virtio {

namespace {

    constexpr u64 feature_size_max = 1ull << 1;
    constexpr u64 feature_segment_max = 1ull << 2;
    constexpr u64 feature_read_only = 1ull << 5;
    constexpr u64 feature_block_size = 1ull << 6;
    constexpr u64 feature_flush = 1ull << 9;

    constexpr u32 request_in = 0;
    constexpr u32 request_out = 1;
    constexpr u32 request_flush = 4;

    constexpr u8 status_ok = 0;
    constexpr u8 status_unsupported = 2;

    constexpr u32 config_capacity = 0;
    constexpr u32 config_segment_max = 12;

    constexpr u64 sectors_per_block = Hal::block_size / 512;
    constexpr usize slot_count = 16;
    constexpr u32 largest_request_blocks = 32;
    // Header, one piece per page of data (plus one when the buffer is not page-aligned), status.
    constexpr usize maximum_chain = largest_request_blocks + 3;
    constexpr usize page_size = 4096;

} // namespace

// Aligned so the 16-byte header never straddles a page (the device needs it contiguous).
struct alignas(32) VirtioBlock::Slot {
    struct Header {
        u32 type;
        u32 reserved;
        u64 sector;
    } header;
    u8 status;
    Slot* next_free;
    Hal::BlockRequest* request;
};

VirtioBlock::VirtioBlock(NonnullOwnPtr<VirtioDevice> device)
    : m_device(move(device))
{ }

VirtioBlock::~VirtioBlock() { delete[] m_slots; }

ErrorOr<NonnullOwnPtr<VirtioBlock>> VirtioBlock::create(Pci::Device const& pci_device)
{
    auto device = TRY(VirtioDevice::create(pci_device));
    auto block = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) VirtioBlock(move(device))));
    auto& virtio = *block->m_device;

    u64 features = TRY(virtio.negotiate_features(
        feature_flush | feature_read_only | feature_segment_max | feature_block_size | feature_size_max));
    block->m_can_flush = features & feature_flush;
    block->m_read_only = features & feature_read_only;
    block->m_block_count = virtio.read_config64(config_capacity) / sectors_per_block;
    u32 maximum_blocks = largest_request_blocks;
    if (features & feature_segment_max) {
        // Data pieces per request = blocks + 1 at worst (an unaligned buffer).
        u32 segments = virtio.read_config32(config_segment_max);
        if (segments >= 2 && segments - 1 < maximum_blocks)
            maximum_blocks = segments - 1;
    }
    block->m_maximum_blocks = maximum_blocks;

    auto interrupts = virtio.use_interrupts(handle_interrupt, block.ptr());
    if (interrupts.is_error())
        logln("virtio-blk: no MSI-X ({}); polling", interrupts.error());
    block->m_queue = TRY(virtio.setup_queue(0, 256));
    if (block->m_queue->size() < maximum_chain)
        block->m_maximum_blocks = block->m_queue->size() > 4 ? block->m_queue->size() - 4 : 1;

    block->m_slots = new (std::nothrow) Slot[slot_count];
    if (!block->m_slots)
        return Error::from_code(ErrorCode::OutOfMemory);
    for (usize i = 0; i < slot_count; ++i)
        block->m_slots[i].next_free = i + 1 < slot_count ? &block->m_slots[i + 1] : nullptr;
    block->m_free_slots = block->m_slots;
    virtio.driver_ok();

    FixedStringBuilder<32> name;
    auto address = pci_device.address;
    name.appendff("virtio-blk {:02x}:{:02x}.{}", address.bus, address.device, address.function);
    auto view = name.string_view();
    __builtin_memcpy(block->m_name, view.characters_without_null_termination(), view.length());
    block->m_name_length = view.length();

    if (!block->m_can_flush)
        logln("virtio-blk: the device offers no FLUSH; flush requests will fail");
    logln("virtio-blk: {} blocks of 4 KiB ({} MiB){}, queue of {}, up to {} blocks per request, {}",
        block->m_block_count, block->m_block_count * Hal::block_size >> 20,
        block->m_read_only ? ", read-only"sv : ""sv, block->m_queue->size(), block->m_maximum_blocks,
        virtio.uses_interrupts() ? "MSI-X"sv : "polled"sv);
    return block;
}

ErrorOr<void> VirtioBlock::submit(Hal::BlockRequest& request)
{
    if (request.operation == Hal::BlockOperation::Flush) {
        if (!m_can_flush)
            return Error::from_code(ErrorCode::Unsupported);
    } else {
        if (!request.buffer || request.block_count == 0 || request.block_count > m_maximum_blocks)
            return Error::from_code(ErrorCode::InvalidArgument);
        if (request.block >= m_block_count || request.block_count > m_block_count - request.block)
            return Error::from_code(ErrorCode::OutOfRange);
        if (request.operation == Hal::BlockOperation::Write && m_read_only)
            return Error::from_code(ErrorCode::PermissionDenied);
    }
    request.start();
    request.port_next = nullptr;
    Interrupts::InterruptsDisabled guard;
    if (m_pending_tail)
        m_pending_tail->port_next = &request;
    else
        m_pending_head = &request;
    m_pending_tail = &request;
    start_pending();
    return {};
}

void VirtioBlock::start_pending()
{
    bool started = false;
    while (m_pending_head && m_free_slots) {
        auto* request = m_pending_head;
        if (!start(*request))
            break;
        started = true;
        m_pending_head = request->port_next;
        if (!m_pending_head)
            m_pending_tail = nullptr;
        request->port_next = nullptr;
    }
    if (started)
        m_queue->notify();
}

bool VirtioBlock::start(Hal::BlockRequest& request)
{
    Buffer chain[maximum_chain];
    usize length = 0;
    Slot* slot = m_free_slots;
    switch (request.operation) {
    case Hal::BlockOperation::Read:
        slot->header.type = request_in;
        break;
    case Hal::BlockOperation::Write:
        slot->header.type = request_out;
        break;
    case Hal::BlockOperation::Flush:
        slot->header.type = request_flush;
        break;
    }
    slot->header.reserved = 0;
    slot->header.sector
        = request.operation == Hal::BlockOperation::Flush ? 0 : request.block * sectors_per_block;
    slot->status = 0xFF;
    chain[length++] = {&slot->header, sizeof(slot->header), BufferDirection::DeviceReads};
    if (request.operation != Hal::BlockOperation::Flush) {
        auto direction = request.operation == Hal::BlockOperation::Read ? BufferDirection::DeviceWrites
                                                                        : BufferDirection::DeviceReads;
        // Split at page boundaries: only within a page is virtual contiguity physical.
        auto* data = static_cast<u8*>(request.buffer);
        usize remaining = usize(request.block_count) * Hal::block_size;
        while (remaining > 0) {
            usize to_page_end = page_size - (reinterpret_cast<FlatPtr>(data) & (page_size - 1));
            usize piece = remaining < to_page_end ? remaining : to_page_end;
            chain[length++] = {data, u32(piece), direction};
            data += piece;
            remaining -= piece;
        }
    }
    chain[length++] = {&slot->status, 1, BufferDirection::DeviceWrites};
    if (m_queue->submit(Span<Buffer const>(chain, length), slot).is_error())
        return false;
    m_free_slots = slot->next_free;
    slot->request = &request;
    return true;
}

void VirtioBlock::process_completions()
{
    bool any = false;
    while (auto used = m_queue->take_used()) {
        any = true;
        auto* slot = static_cast<Slot*>(used->token);
        auto* request = slot->request;
        Optional<ErrorCode> error;
        if (slot->status == status_unsupported)
            error = ErrorCode::Unsupported;
        else if (slot->status != status_ok)
            error = ErrorCode::IoFailure;
        slot->request = nullptr;
        slot->next_free = m_free_slots;
        m_free_slots = slot;
        request->finish(error);
    }
    start_pending();
    if (any)
        m_completed.signal();
}

void VirtioBlock::handle_interrupt(void* context)
{
    static_cast<VirtioBlock*>(context)->process_completions();
}

ErrorOr<void> VirtioBlock::wait(Hal::BlockRequest& request)
{
    // The event wakes one waiter per batch of completions; the timeout makes every waiter
    // look again regularly (and drives a device without MSI-X).
    constexpr u64 poll_interval_ns = 10'000'000;
    while (!request.is_complete()) {
        {
            Interrupts::InterruptsDisabled guard;
            process_completions();
        }
        if (!request.is_complete())
            m_completed.wait(Hal::monotonic_nanoseconds() + poll_interval_ns);
    }
    return request.result();
}

} // namespace Kernel::Virtio
