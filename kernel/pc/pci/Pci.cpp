/*
 * kernel/pc/pci/Pci.cpp: configuration mechanism #1, the bus scan and the device list.
 * The scan follows bridges by trying every bus number a function's secondary bus names,
 * which on QEMU's pc machine is just bus 0.
 */
#include <base/Log.h>
#include <kernel/pc/pci/Pci.h>
#include <kernel/pc/virtio/VirtioDevice.h>

namespace Kernel::Pci {

namespace {

    constexpr u16 address_port = 0xCF8;
    constexpr u16 data_port = 0xCFC;
    constexpr usize maximum_devices = 64;

    // Config offsets of the type 0 header.
    constexpr u8 offset_vendor = 0x00;
    constexpr u8 offset_device = 0x02;
    constexpr u8 offset_command = 0x04;
    constexpr u8 offset_status = 0x06;
    constexpr u8 offset_revision = 0x08;
    constexpr u8 offset_header_type = 0x0E;
    constexpr u8 offset_bar0 = 0x10;
    constexpr u8 offset_secondary_bus = 0x19;
    constexpr u8 offset_subsystem_vendor = 0x2C;
    constexpr u8 offset_subsystem = 0x2E;
    constexpr u8 offset_capabilities = 0x34;
    constexpr u8 offset_interrupt_line = 0x3C;

    constexpr u16 status_has_capabilities = 1u << 4;
    constexpr u16 command_memory_space = 1u << 1;
    constexpr u16 command_bus_master = 1u << 2;

    // The boot page tables identity-map physical 0..4 GiB.
    constexpr u64 identity_mapped_limit = 4ull << 30;

    Device s_devices[maximum_devices];
    usize s_device_count = 0;
    bool s_enumerated = false;

    void out32(u16 port, u32 value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
    u32 in32(u16 port)
    {
        u32 value;
        asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
        return value;
    }

    void select(Address address, u8 offset)
    {
        out32(address_port,
            0x8000'0000u | (u32(address.bus) << 16) | (u32(address.device & 31) << 11)
                | (u32(address.function & 7) << 8) | (offset & 0xFC));
    }

    StringView class_name(Device const& device)
    {
        switch (device.class_code) {
        case 0x01:
            return device.subclass == 0x01 ? "ide controller"sv : "storage"sv;
        case 0x02:
            return "network"sv;
        case 0x03:
            return "display"sv;
        case 0x06:
            switch (device.subclass) {
            case 0x00:
                return "host bridge"sv;
            case 0x01:
                return "isa bridge"sv;
            case 0x80:
                return "bridge (power management)"sv;
            default:
                return "bridge"sv;
            }
        case 0x09:
            return "input"sv;
        case 0x0C:
            return device.subclass == 0x03 ? "usb controller"sv : "serial bus"sv;
        default:
            return "device"sv;
        }
    }

    void log_device(Device const& device)
    {
        StringView name = class_name(device);
        if (auto type = Virtio::device_type_of(device); type.has_value())
            name = Virtio::device_type_name(*type);
        logln("pci {:02x}:{:02x}.{} {:04x}:{:04x} {} (class {:02x}.{:02x})", device.address.bus,
            device.address.device, device.address.function, device.vendor_id, device.device_id, name,
            device.class_code, device.subclass);
    }

    void scan_bus(u8 bus, u32 depth);

    void scan_function(Address address, u32 depth)
    {
        u16 vendor = read_config16(address, offset_vendor);
        if (vendor == 0xFFFF)
            return;
        Device device;
        device.address = address;
        device.vendor_id = vendor;
        device.device_id = read_config16(address, offset_device);
        u32 class_register = read_config32(address, offset_revision);
        device.revision = u8(class_register);
        device.programming_interface = u8(class_register >> 8);
        device.subclass = u8(class_register >> 16);
        device.class_code = u8(class_register >> 24);
        u8 header_type = read_config8(address, offset_header_type) & 0x7F;
        if (header_type == 0) {
            device.subsystem_vendor_id = read_config16(address, offset_subsystem_vendor);
            device.subsystem_id = read_config16(address, offset_subsystem);
            device.interrupt_line = read_config8(address, offset_interrupt_line);
        }
        if (s_device_count < maximum_devices)
            s_devices[s_device_count++] = device;
        else
            logln("pci: more than {} functions; {:02x}:{:02x}.{} ignored", maximum_devices, address.bus,
                address.device, address.function);
        log_device(device);
        // A PCI-to-PCI bridge: its secondary bus holds more devices.
        if (header_type == 1 && depth < 8) {
            u8 secondary = read_config8(address, offset_secondary_bus);
            if (secondary != 0)
                scan_bus(secondary, depth + 1);
        }
    }

    void scan_bus(u8 bus, u32 depth)
    {
        for (u8 slot = 0; slot < 32; ++slot) {
            Address address {bus, slot, 0};
            if (read_config16(address, offset_vendor) == 0xFFFF)
                continue;
            bool multifunction = read_config8(address, offset_header_type) & 0x80;
            for (u8 function = 0; function < (multifunction ? 8 : 1); ++function)
                scan_function(Address {bus, slot, function}, depth);
        }
    }

} // namespace

u32 read_config32(Address address, u8 offset)
{
    select(address, offset);
    return in32(data_port);
}

u16 read_config16(Address address, u8 offset)
{
    return u16(read_config32(address, offset) >> ((offset & 2) * 8));
}

u8 read_config8(Address address, u8 offset)
{
    return u8(read_config32(address, offset) >> ((offset & 3) * 8));
}

void write_config32(Address address, u8 offset, u32 value)
{
    select(address, offset);
    out32(data_port, value);
}

void write_config16(Address address, u8 offset, u16 value)
{
    u32 shift = (offset & 2) * 8;
    u32 word = read_config32(address, offset);
    word = (word & ~(0xFFFFu << shift)) | (u32(value) << shift);
    write_config32(address, offset, word);
}

void enumerate()
{
    if (s_enumerated)
        return;
    s_enumerated = true;
    scan_bus(0, 0);
    logln("pci: {} functions", s_device_count);
}

Span<Device const> devices() { return {s_devices, s_device_count}; }

Optional<u8> find_capability(Address address, u8 id, Optional<u8> after)
{
    if (!(read_config16(address, offset_status) & status_has_capabilities))
        return {};
    u8 pointer
        = after.has_value() ? read_config8(address, *after + 1) : read_config8(address, offset_capabilities);
    // The list lives in 0x40..0xFF; bound the walk so a looping list cannot hang the boot.
    for (u32 steps = 0; pointer >= 0x40 && steps < 48; ++steps) {
        pointer &= 0xFC;
        if (read_config8(address, pointer) == id)
            return pointer;
        pointer = read_config8(address, pointer + 1);
    }
    return {};
}

ErrorOr<MemoryBar> memory_bar(Address address, u8 index)
{
    if (index > 5)
        return Error::from_code(ErrorCode::InvalidArgument);
    u8 offset = offset_bar0 + index * 4;
    u32 low = read_config32(address, offset);
    if (low & 1)
        return Error::from_string_literal("PCI BAR is an I/O port range, not memory");
    bool is_64_bit = ((low >> 1) & 3) == 2;
    if (is_64_bit && index == 5)
        return Error::from_code(ErrorCode::InvalidFormat);

    // Size the BAR: write all ones, read back the writable bits, restore. Decoding is
    // switched off meanwhile so the device does not answer at a bogus address.
    u16 command = read_config16(address, offset_command);
    write_config16(address, offset_command, command & ~command_memory_space);
    write_config32(address, offset, 0xFFFF'FFFF);
    u32 size_low = read_config32(address, offset);
    write_config32(address, offset, low);
    u64 high = 0;
    u64 size_high = is_64_bit ? 0xFFFF'FFFFull : 0;
    if (is_64_bit) {
        high = read_config32(address, offset + 4);
        write_config32(address, offset + 4, 0xFFFF'FFFF);
        size_high = read_config32(address, offset + 4);
        write_config32(address, offset + 4, u32(high));
    }
    write_config16(address, offset_command, command);

    u64 mask = (size_high << 32) | (size_low & ~0xFu);
    if (!is_64_bit)
        mask |= 0xFFFF'FFFF'0000'0000ull;
    MemoryBar bar;
    bar.physical_address = (high << 32) | (low & ~0xFu);
    bar.size = ~mask + 1;
    if (bar.physical_address == 0 || mask == 0)
        return Error::from_string_literal("PCI memory BAR is not assigned by the firmware");
    return bar;
}

ErrorOr<u8 volatile*> map_memory_bar(Address address, u8 index, u64 offset, u64 length)
{
    auto bar = TRY(memory_bar(address, index));
    if (offset > bar.size || length > bar.size - offset)
        return Error::from_code(ErrorCode::OutOfRange);
    u64 physical = bar.physical_address + offset;
    if (physical + length > identity_mapped_limit)
        return Error::from_string_literal("PCI memory BAR lies above 4 GiB, outside the kernel's mapping");
    return reinterpret_cast<u8 volatile*>(static_cast<FlatPtr>(physical));
}

void enable_bus_mastering(Address address)
{
    u16 command = read_config16(address, offset_command);
    write_config16(address, offset_command, command | command_memory_space | command_bus_master);
}

} // namespace Kernel::Pci
