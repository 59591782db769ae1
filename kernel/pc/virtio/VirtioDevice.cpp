/*
 * kernel/pc/virtio/VirtioDevice.cpp: the modern virtio-pci transport (virtio 1.1 section
 * 4.1) and split virtqueues (section 2.6). Registers are little-endian MMIO in BARs found
 * through vendor-specific PCI capabilities; x86 is little-endian, so plain volatile
 * accesses of the right width suffice.
 */
#include <base/Log.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/virtio/VirtioDevice.h>
#include <new>

namespace Kernel::Virtio {

namespace {

    // virtio_pci_cap.cfg_type
    constexpr u8 capability_common = 1;
    constexpr u8 capability_notify = 2;
    constexpr u8 capability_isr = 3;
    constexpr u8 capability_device = 4;
    constexpr u8 capability_vendor_specific = 0x09;
    constexpr u8 capability_msix = 0x11;

    // struct virtio_pci_common_cfg
    enum CommonRegister : u32 {
        DeviceFeatureSelect = 0x00,
        DeviceFeature = 0x04,
        DriverFeatureSelect = 0x08,
        DriverFeature = 0x0C,
        MsixConfig = 0x10,
        NumberOfQueues = 0x12,
        DeviceStatus = 0x14,
        ConfigGeneration = 0x15,
        QueueSelect = 0x16,
        QueueSize = 0x18,
        QueueMsixVector = 0x1A,
        QueueEnable = 0x1C,
        QueueNotifyOffset = 0x1E,
        QueueDescriptors = 0x20,
        QueueDriver = 0x28,
        QueueDevice = 0x30,
    };

    constexpr u8 status_acknowledge = 1;
    constexpr u8 status_driver = 2;
    constexpr u8 status_driver_ok = 4;
    constexpr u8 status_features_ok = 8;
    constexpr u8 status_needs_reset = 64;
    constexpr u8 status_failed = 128;

    constexpr u16 no_msix_vector = 0xFFFF;

    constexpr u16 descriptor_next = 1;
    constexpr u16 descriptor_write = 2;

    constexpr u64 identity_limit = 4ull << 30;
    constexpr u64 frame_mask = 0x000F'FFFF'FFFF'F000ull;
    constexpr u64 entry_present = 1;
    constexpr u64 entry_large = 1u << 7;
    constexpr usize page_size = 4096;

    template<typename T> T read_register(u8 volatile* base, u32 offset)
    {
        return *reinterpret_cast<T volatile*>(base + offset);
    }
    template<typename T> void write_register(u8 volatile* base, u32 offset, T value)
    {
        *reinterpret_cast<T volatile*>(base + offset) = value;
    }

    void memory_barrier() { asm volatile("mfence" ::: "memory"); }

} // namespace

u64 dma_address(void const* pointer)
{
    // Walk the live page tables: the kernel heap is made of scattered 4 KiB frames.
    // FIXME: use a translation function of the memory area once it offers one; this reads
    // the tables through the boot identity map of physical 0..4 GiB.
    auto address = reinterpret_cast<FlatPtr>(pointer);
    u64 table;
    asm volatile("mov %%cr3, %0" : "=r"(table));
    table &= frame_mask;
    for (int level = 3; level >= 0; --level) {
        VERIFY(table < identity_limit);
        usize index = (address >> (12 + 9 * level)) & 511;
        u64 entry = reinterpret_cast<u64 const*>(static_cast<FlatPtr>(table))[index];
        VERIFY(entry & entry_present);
        u64 frame = entry & frame_mask;
        if (level == 0)
            return frame | (address & 0xFFF);
        if ((level == 1 || level == 2) && (entry & entry_large)) {
            u64 page_bytes = 1ull << (12 + 9 * level);
            return (frame & ~(page_bytes - 1)) | (address & (page_bytes - 1));
        }
        table = frame;
    }
    VERIFY_NOT_REACHED();
}

Optional<DeviceType> device_type_of(Pci::Device const& device)
{
    if (device.vendor_id != 0x1AF4)
        return {};
    if (device.device_id >= 0x1040 && device.device_id <= 0x107F)
        return static_cast<DeviceType>(device.device_id - 0x1040);
    // Transitional devices name their type in the subsystem id.
    if (device.device_id >= 0x1000 && device.device_id <= 0x103F)
        return static_cast<DeviceType>(device.subsystem_id);
    return {};
}

StringView device_type_name(DeviceType type)
{
    switch (type) {
    case DeviceType::Network:
        return "virtio-net"sv;
    case DeviceType::Block:
        return "virtio-blk"sv;
    case DeviceType::Console:
        return "virtio-console"sv;
    case DeviceType::Entropy:
        return "virtio-rng"sv;
    case DeviceType::Input:
        return "virtio-input"sv;
    }
    return "virtio"sv;
}

// --- Virtqueue ---

struct Virtqueue::Descriptor {
    u64 address;
    u32 length;
    u16 flags;
    u16 next;
};

Virtqueue::Virtqueue(u16 index, u16 size, u8* memory, u16 volatile* notify_register)
    : m_index(index)
    , m_size(size)
    , m_memory(memory)
    , m_notify_register(notify_register)
{ }

Virtqueue::~Virtqueue()
{
    KernelHeap::free_aligned(m_memory, 4096);
    delete[] m_tokens;
}

Virtqueue::Descriptor* Virtqueue::descriptor(u16 index) const
{
    return reinterpret_cast<Descriptor*>(m_memory) + index;
}

ErrorOr<void> Virtqueue::submit(Span<Buffer const> chain, void* token)
{
    VERIFY(token != nullptr);
    if (chain.size() == 0)
        return Error::from_code(ErrorCode::InvalidArgument);
    if (chain.size() > m_free_count)
        return Error::from_code(ErrorCode::Busy);

    u16 head = m_free_head;
    u16 current = head;
    for (usize i = 0; i < chain.size(); ++i) {
        auto& buffer = chain[i];
        Descriptor* entry = descriptor(current);
        entry->address = dma_address(buffer.address);
        auto const* last_byte
            = static_cast<u8 const*>(buffer.address) + (buffer.length ? buffer.length - 1 : 0);
        VERIFY(dma_address(last_byte) == entry->address + (buffer.length ? buffer.length - 1 : 0));
        entry->length = buffer.length;
        u16 flags = buffer.direction == BufferDirection::DeviceWrites ? descriptor_write : 0;
        bool last = i + 1 == chain.size();
        if (!last)
            flags |= descriptor_next;
        entry->flags = flags;
        if (!last)
            current = entry->next;
    }
    m_free_head = descriptor(current)->next;
    m_free_count -= u16(chain.size());
    m_tokens[head] = token;

    auto* available = reinterpret_cast<u16 volatile*>(m_memory + m_available_offset);
    available[2 + (m_next_available % m_size)] = head;
    // The device must see the ring entry before the index that publishes it.
    memory_barrier();
    ++m_next_available;
    available[1] = m_next_available;
    return {};
}

void Virtqueue::notify()
{
    memory_barrier();
    *m_notify_register = m_index;
}

bool Virtqueue::has_used() const
{
    auto* used = reinterpret_cast<u16 volatile*>(m_memory + m_used_offset);
    return used[1] != m_last_used;
}

Optional<UsedChain> Virtqueue::take_used()
{
    auto* used_header = reinterpret_cast<u16 volatile*>(m_memory + m_used_offset);
    if (used_header[1] == m_last_used)
        return {};
    // Read the element only after seeing the index that published it.
    memory_barrier();
    auto* elements = reinterpret_cast<u32 volatile*>(m_memory + m_used_offset + 4);
    usize slot = m_last_used % m_size;
    u16 head = u16(elements[slot * 2]);
    u32 written = elements[slot * 2 + 1];
    ++m_last_used;

    VERIFY(head < m_size);
    UsedChain result {m_tokens[head], written};
    m_tokens[head] = nullptr;
    // Return the chain's descriptors to the free list.
    u16 last = head;
    u16 count = 1;
    while (descriptor(last)->flags & descriptor_next) {
        last = descriptor(last)->next;
        ++count;
    }
    descriptor(last)->next = m_free_head;
    m_free_head = head;
    m_free_count += count;
    return result;
}

// --- VirtioDevice ---

VirtioDevice::VirtioDevice(Pci::Device const& device, DeviceType type)
    : m_pci_device(device)
    , m_type(type)
{ }

VirtioDevice::~VirtioDevice()
{
    if (m_common)
        write_register<u8>(m_common, DeviceStatus, 0);
    for (auto* queue : m_queues)
        delete queue;
}

ErrorOr<NonnullOwnPtr<VirtioDevice>> VirtioDevice::create(Pci::Device const& pci_device)
{
    auto type = device_type_of(pci_device);
    if (!type.has_value())
        return Error::from_string_literal("not a virtio device");
    auto device = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) VirtioDevice(pci_device, *type)));
    TRY(device->map_capabilities());
    Pci::enable_bus_mastering(pci_device.address);
    // Reset, and wait until the device says it is done (status reads back 0).
    write_register<u8>(device->m_common, DeviceStatus, 0);
    for (u32 tries = 0; read_register<u8>(device->m_common, DeviceStatus) != 0; ++tries) {
        if (tries > 1'000'000)
            return Error::from_string_literal("virtio device does not finish its reset");
        asm volatile("pause");
    }
    device->set_status_bit(status_acknowledge);
    device->set_status_bit(status_driver);
    return device;
}

ErrorOr<void> VirtioDevice::map_capabilities()
{
    auto address = m_pci_device.address;
    Optional<u8> capability;
    while ((capability = Pci::find_capability(address, capability_vendor_specific, capability)).has_value()) {
        u8 at = *capability;
        u8 type = Pci::read_config8(address, at + 3);
        u8 bar = Pci::read_config8(address, at + 4);
        u32 offset = Pci::read_config32(address, at + 8);
        u32 length = Pci::read_config32(address, at + 12);
        if (bar > 5)
            continue;
        // The first capability of each type is the preferred one (spec 4.1.4).
        switch (type) {
        case capability_common:
            if (!m_common)
                m_common = TRY(Pci::map_memory_bar(address, bar, offset, length));
            break;
        case capability_notify:
            if (!m_notify_base) {
                m_notify_base = TRY(Pci::map_memory_bar(address, bar, offset, length));
                m_notify_multiplier = Pci::read_config32(address, at + 16);
            }
            break;
        case capability_isr:
            if (!m_isr)
                m_isr = TRY(Pci::map_memory_bar(address, bar, offset, length));
            break;
        case capability_device:
            if (!m_device_config)
                m_device_config = TRY(Pci::map_memory_bar(address, bar, offset, length));
            break;
        default:
            break;
        }
    }
    if (!m_common || !m_notify_base)
        return Error::from_string_literal("virtio device lacks the modern transport's capabilities");
    return {};
}

void VirtioDevice::set_status_bit(u8 bit)
{
    u8 status = read_register<u8>(m_common, DeviceStatus);
    write_register<u8>(m_common, DeviceStatus, status | bit);
}

u64 VirtioDevice::device_features()
{
    write_register<u32>(m_common, DeviceFeatureSelect, 0);
    u64 low = read_register<u32>(m_common, DeviceFeature);
    write_register<u32>(m_common, DeviceFeatureSelect, 1);
    u64 high = read_register<u32>(m_common, DeviceFeature);
    return (high << 32) | low;
}

ErrorOr<u64> VirtioDevice::negotiate_features(u64 wanted)
{
    u64 offered = device_features();
    if (!(offered & feature_version_1)) {
        fail();
        return Error::from_string_literal("virtio device does not offer VIRTIO_F_VERSION_1");
    }
    u64 accepted = (wanted | feature_version_1) & offered;
    write_register<u32>(m_common, DriverFeatureSelect, 0);
    write_register<u32>(m_common, DriverFeature, u32(accepted));
    write_register<u32>(m_common, DriverFeatureSelect, 1);
    write_register<u32>(m_common, DriverFeature, u32(accepted >> 32));
    set_status_bit(status_features_ok);
    if (!(read_register<u8>(m_common, DeviceStatus) & status_features_ok)) {
        fail();
        return Error::from_string_literal("virtio device refused the negotiated features");
    }
    return accepted;
}

ErrorOr<void> VirtioDevice::use_interrupts(Interrupts::Handler handler, void* context)
{
    auto address = m_pci_device.address;
    auto capability = Pci::find_capability(address, capability_msix);
    if (!capability.has_value())
        return Error::from_code(ErrorCode::Unsupported);
    u8 at = *capability;
    u32 table = Pci::read_config32(address, at + 4);
    u16 control = Pci::read_config16(address, at + 2);
    u32 entries = (control & 0x7FF) + 1;
    m_msix_table = TRY(Pci::map_memory_bar(address, u8(table & 7), table & ~7u, entries * 16));

    u8 vector = TRY(Interrupts::allocate_vector(handler, context));
    u64 message_address = Interrupts::msi_address();
    write_register<u32>(m_msix_table, 0, u32(message_address));
    write_register<u32>(m_msix_table, 4, u32(message_address >> 32));
    write_register<u32>(m_msix_table, 8, Interrupts::msi_data(vector));
    write_register<u32>(m_msix_table, 12, 0); // unmasked
    // Enable MSI-X (bit 15), clear the function mask (bit 14).
    Pci::write_config16(address, at + 2, u16((control | 0x8000) & ~0x4000));

    write_register<u16>(m_common, MsixConfig, 0);
    if (read_register<u16>(m_common, MsixConfig) == no_msix_vector)
        return Error::from_string_literal("virtio device could not map its configuration interrupt");
    m_uses_interrupts = true;
    return {};
}

u16 VirtioDevice::queue_count() { return read_register<u16>(m_common, NumberOfQueues); }

ErrorOr<Virtqueue*> VirtioDevice::setup_queue(u16 index, u16 maximum_size)
{
    if (index >= maximum_queues || index >= queue_count())
        return Error::from_code(ErrorCode::OutOfRange);
    if (m_queues[index])
        return Error::from_code(ErrorCode::AlreadyExists);
    write_register<u16>(m_common, QueueSelect, index);
    u16 device_size = read_register<u16>(m_common, QueueSize);
    if (device_size == 0)
        return Error::from_code(ErrorCode::NotFound);
    u16 size = device_size < maximum_size ? device_size : maximum_size;
    // Split queues need not be a power of two in virtio 1.x, but keep to one for QEMU.
    if (size > 256)
        size = 256;
    while (size & (size - 1))
        size &= size - 1;

    // Layout in two pages, each physically contiguous: the descriptors (16 bytes each) fill
    // the first; the second holds the available ring (6 + 2n bytes) and, at the next 4-byte
    // boundary, the used ring (6 + 8n bytes).
    usize available_offset = page_size;
    usize used_offset = (available_offset + 6 + 2 * usize(size) + 3) & ~usize(3);
    usize total = 2 * page_size;
    auto* memory = static_cast<u8*>(KernelHeap::allocate_aligned(total, page_size));
    if (!memory)
        return Error::from_code(ErrorCode::OutOfMemory);
    __builtin_memset(memory, 0, total);

    u16 notify_offset = read_register<u16>(m_common, QueueNotifyOffset);
    auto* notify_register
        = reinterpret_cast<u16 volatile*>(m_notify_base + usize(notify_offset) * m_notify_multiplier);
    auto* queue = new (std::nothrow) Virtqueue(index, size, memory, notify_register);
    void** tokens = new (std::nothrow) void*[size];
    if (!queue || !tokens) {
        delete queue;
        delete[] tokens;
        KernelHeap::free_aligned(memory, 4096);
        return Error::from_code(ErrorCode::OutOfMemory);
    }
    queue->m_memory_bytes = total;
    queue->m_available_offset = available_offset;
    queue->m_used_offset = used_offset;
    queue->m_tokens = tokens;
    for (u16 i = 0; i < size; ++i) {
        tokens[i] = nullptr;
        queue->descriptor(i)->next = u16(i + 1);
    }
    queue->m_free_head = 0;
    queue->m_free_count = size;

    write_register<u16>(m_common, QueueSize, size);
    write_register<u64>(m_common, QueueDescriptors, dma_address(memory));
    write_register<u64>(m_common, QueueDriver, dma_address(memory + available_offset));
    write_register<u64>(m_common, QueueDevice, dma_address(memory + used_offset));
    if (m_uses_interrupts) {
        write_register<u16>(m_common, QueueMsixVector, 0);
        if (read_register<u16>(m_common, QueueMsixVector) == no_msix_vector)
            logln("virtio: queue {} of {:02x}:{:02x}.{} got no MSI-X vector; poll it", index,
                m_pci_device.address.bus, m_pci_device.address.device, m_pci_device.address.function);
    } else {
        write_register<u16>(m_common, QueueMsixVector, no_msix_vector);
    }
    write_register<u16>(m_common, QueueEnable, 1);
    m_queues[index] = queue;
    return queue;
}

void VirtioDevice::driver_ok() { set_status_bit(status_driver_ok); }

void VirtioDevice::fail() { set_status_bit(status_failed); }

bool VirtioDevice::needs_reset() { return read_register<u8>(m_common, DeviceStatus) & status_needs_reset; }

u8 VirtioDevice::read_config8(u32 offset) { return read_register<u8>(m_device_config, offset); }
u16 VirtioDevice::read_config16(u32 offset) { return read_register<u16>(m_device_config, offset); }
u32 VirtioDevice::read_config32(u32 offset) { return read_register<u32>(m_device_config, offset); }
void VirtioDevice::write_config8(u32 offset, u8 value) { write_register<u8>(m_device_config, offset, value); }

u64 VirtioDevice::read_config64(u32 offset)
{
    // Two 32-bit halves are consistent only if the generation did not change in between.
    for (;;) {
        u8 generation = read_register<u8>(m_common, ConfigGeneration);
        u64 low = read_register<u32>(m_device_config, offset);
        u64 high = read_register<u32>(m_device_config, offset + 4);
        if (read_register<u8>(m_common, ConfigGeneration) == generation)
            return (high << 32) | low;
    }
}

} // namespace Kernel::Virtio
