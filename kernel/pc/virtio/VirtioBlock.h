/*
 * kernel/pc/virtio/VirtioBlock.h: the virtio-blk driver, the pc port's Hal::BlockDevice.
 *
 * Each request is one descriptor chain: a 16-byte header (type, sector), the data split at
 * 4 KiB page boundaries, and a status byte the device writes. Requests beyond what the queue
 * can hold wait in a software queue and go out as chains complete. Completions come from
 * the MSI-X handler when the device has MSI-X; wait() sleeps on an event the handler signals
 * and also polls the used ring itself (at least every 10 ms), so the driver works without
 * MSI-X and with several waiters.
 */
#pragma once

#include <base/OwnPtr.h>
#include <kernel/hal/Block.h>
#include <kernel/hal/Threads.h>
#include <kernel/pc/virtio/VirtioDevice.h>

namespace Kernel::Virtio {

class VirtioBlock final : public Hal::BlockDevice {
public:
    // Brings the device up: features (FLUSH required, RO and SEG_MAX honoured), one queue,
    // MSI-X when available.
    static ErrorOr<NonnullOwnPtr<VirtioBlock>> create(Pci::Device const&);
    ~VirtioBlock() override;

    StringView name() const override { return {m_name, m_name_length}; }
    u64 block_count() const override { return m_block_count; }
    u32 maximum_blocks_per_request() const override { return m_maximum_blocks; }
    ErrorOr<void> submit(Hal::BlockRequest&) override;
    ErrorOr<void> wait(Hal::BlockRequest&) override;

    bool uses_interrupts() const { return m_device->uses_interrupts(); }

private:
    struct Slot;
    explicit VirtioBlock(NonnullOwnPtr<VirtioDevice>);
    static void handle_interrupt(void* context);
    // Collects finished chains and starts waiting requests. Interrupts must be off.
    void process_completions();
    // Starts as many waiting requests as the queue and the slots allow. Interrupts off.
    void start_pending();
    bool start(Hal::BlockRequest&);

    NonnullOwnPtr<VirtioDevice> m_device;
    Virtqueue* m_queue {nullptr};
    u64 m_block_count {0};
    u32 m_maximum_blocks {32};
    bool m_read_only {false};
    bool m_can_flush {false};
    Slot* m_slots {nullptr};
    Slot* m_free_slots {nullptr};
    Hal::BlockRequest* m_pending_head {nullptr};
    Hal::BlockRequest* m_pending_tail {nullptr};
    // Signalled whenever requests complete, so wait() sleeps instead of spinning.
    Hal::Event m_completed;
    char m_name[32] {};
    usize m_name_length {0};
};

} // namespace Kernel::Virtio
