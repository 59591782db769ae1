/*
 * kernel/pc/virtio/VirtioDevice.h: the virtio-pci MODERN transport (virtio 1.x) and split
 * virtqueues, shared by every virtio driver of the pc port (blk, console, input).
 *
 * A driver brings its device up in this order (the virtio spec's initialization sequence):
 *
 *     auto device = TRY(VirtioDevice::create(pci_device));          // reset, ACKNOWLEDGE, DRIVER
 *     u64 features = TRY(device->negotiate_features(wanted));       // VERSION_1 is added and required
 *     TRY(device->use_interrupts(handler, context));                // optional: MSI-X, one vector
 *     auto* queue = TRY(device->setup_queue(0));                    // per queue, before driver_ok()
 *     device->driver_ok();                                          // the device may now use the queues
 *
 * Then it puts buffers into a queue with Virtqueue::submit() + notify() and collects them
 * back with Virtqueue::take_used(), either from its interrupt handler or by polling.
 * Without use_interrupts() (or when the device has no MSI-X) the driver polls take_used().
 *
 * Buffers are given as kernel pointers; the queue translates them to physical addresses
 * for the device (dma_address()). A buffer must not cross a 4 KiB page boundary unless it is
 * physically contiguous (the kernel image, statics and the kernel heap are).
 *
 * Concurrency: a Virtqueue is not locked. The driver serializes submit() and take_used()
 * itself (e.g. Interrupts::InterruptsDisabled around both when its handler also takes used
 * buffers). Device types: virtio spec 5.x (1 net, 2 block, 3 console, 18 input).
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/OwnPtr.h>
#include <base/Span.h>
#include <base/Types.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/pci/Pci.h>

namespace Kernel::Virtio {

// Device types (virtio spec 5).
enum class DeviceType : u16 {
    Network = 1,
    Block = 2,
    Console = 3,
    Entropy = 4,
    Input = 18,
};

// Feature bits common to all devices.
constexpr u64 feature_version_1 = 1ull << 32;

// The physical address the device must use for a kernel pointer.
u64 dma_address(void const*);

// The device type of a PCI function, or nothing when it is not a virtio device (both the
// modern ids 0x1040+type and the transitional ids 0x1000..0x103f are recognized).
Optional<DeviceType> device_type_of(Pci::Device const&);

// A short name for the log, e.g. "virtio-blk"; "virtio" for unknown types.
StringView device_type_name(DeviceType);

// Who writes a buffer: the driver (device only reads it) or the device.
enum class BufferDirection : u8 {
    DeviceReads,
    DeviceWrites,
};

// One piece of a descriptor chain.
struct Buffer {
    void const* address {nullptr};
    u32 length {0};
    BufferDirection direction {BufferDirection::DeviceReads};
};

// A chain the device has finished with: the token given to submit() and how many bytes the
// device wrote into the chain's device-writable buffers.
struct UsedChain {
    void* token {nullptr};
    u32 written_bytes {0};
};

class VirtioDevice;

// A split virtqueue: descriptor table, available ring (driver -> device), used ring
// (device -> driver), all in one physically contiguous allocation.
class Virtqueue {
public:
    ~Virtqueue();
    Virtqueue(Virtqueue const&) = delete;
    Virtqueue& operator=(Virtqueue const&) = delete;

    // The queue's index in its device.
    u16 index() const { return m_index; }
    // Descriptors in the queue (a chain of n buffers takes n).
    u16 size() const { return m_size; }
    // Descriptors not currently given to the device.
    u16 free_descriptors() const { return m_free_count; }

    // Offers a chain to the device (readable buffers must come before writable ones, as the
    // spec requires). `token` (not null) comes back in UsedChain. Fails with Busy when too
    // few descriptors are free; nothing is offered then. Call notify() afterwards.
    ErrorOr<void> submit(Span<Buffer const> chain, void* token);
    // Tells the device that new chains are available.
    void notify();
    // The next chain the device has finished with, if any.
    Optional<UsedChain> take_used();
    // Whether take_used() would return something.
    bool has_used() const;

private:
    friend class VirtioDevice;
    Virtqueue(u16 index, u16 size, u8* memory, u16 volatile* notify_register);

    struct Descriptor;
    Descriptor* descriptor(u16 index) const;

    u16 m_index {0};
    u16 m_size {0};
    u8* m_memory {nullptr};
    usize m_memory_bytes {0};
    usize m_available_offset {0};
    usize m_used_offset {0};
    u16 volatile* m_notify_register {nullptr};
    u16 m_free_head {0};
    u16 m_free_count {0};
    u16 m_next_available {0};
    u16 m_last_used {0};
    void** m_tokens {nullptr};
};

// One virtio-pci device driven through the modern transport.
class VirtioDevice {
public:
    // Finds the transport's capabilities, maps them, enables bus mastering, resets the
    // device and sets ACKNOWLEDGE and DRIVER. Fails when the function is not a modern virtio
    // device (or its BARs are unreachable).
    static ErrorOr<NonnullOwnPtr<VirtioDevice>> create(Pci::Device const&);
    ~VirtioDevice();
    VirtioDevice(VirtioDevice const&) = delete;
    VirtioDevice& operator=(VirtioDevice const&) = delete;

    Pci::Device const& pci_device() const { return m_pci_device; }
    DeviceType type() const { return m_type; }

    // The features the device offers.
    u64 device_features();
    // Accepts `wanted & offered` plus VERSION_1, sets FEATURES_OK and checks that the device
    // kept it. Returns the accepted set. Fails (and marks the device FAILED) otherwise.
    ErrorOr<u64> negotiate_features(u64 wanted);

    // Allocates one interrupt vector, points MSI-X table entry 0 at it and uses it for the
    // configuration change interrupt and every queue set up afterwards. `handler` runs in
    // interrupt context. Fails with Unsupported when the device has no MSI-X capability.
    ErrorOr<void> use_interrupts(Interrupts::Handler, void* context);
    bool uses_interrupts() const { return m_uses_interrupts; }

    // The number of queues the device has.
    u16 queue_count();
    // Allocates and enables queue `index` with at most `maximum_size` descriptors (the
    // device's maximum when smaller). Call between negotiate_features() and driver_ok().
    ErrorOr<Virtqueue*> setup_queue(u16 index, u16 maximum_size = 128);
    // Sets DRIVER_OK: the device is live.
    void driver_ok();
    // Marks the device FAILED (after an unrecoverable driver error).
    void fail();
    // Whether the device asked for a reset (DEVICE_NEEDS_RESET).
    bool needs_reset();

    // The device-specific configuration (virtio spec 5.x.4), little-endian fields.
    u8 read_config8(u32 offset);
    u16 read_config16(u32 offset);
    u32 read_config32(u32 offset);
    // Reads a 64-bit field consistently (retried across configuration generation changes).
    u64 read_config64(u32 offset);
    void write_config8(u32 offset, u8 value);

private:
    explicit VirtioDevice(Pci::Device const&, DeviceType);
    ErrorOr<void> map_capabilities();
    void set_status_bit(u8);

    Pci::Device m_pci_device;
    DeviceType m_type;
    u8 volatile* m_common {nullptr};
    u8 volatile* m_notify_base {nullptr};
    u32 m_notify_multiplier {0};
    u8 volatile* m_isr {nullptr};
    u8 volatile* m_device_config {nullptr};
    u8 volatile* m_msix_table {nullptr};
    bool m_uses_interrupts {false};
    static constexpr usize maximum_queues = 64;
    Virtqueue* m_queues[maximum_queues] {};
};

} // namespace Kernel::Virtio
