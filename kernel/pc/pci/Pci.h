/*
 * kernel/pc/pci/Pci.h: the PCI bus of the pc port. enumerate() walks every bus through
 * configuration mechanism #1 (ports 0xCF8/0xCFC), remembers each function it finds and logs
 * one readable line per function (`phantom: pci 00:03.0 1af4:1042 virtio-blk`). Drivers then
 * look their devices up in devices(), read capabilities and map memory BARs.
 *
 * Memory BARs are reached through the boot identity map of physical 0..4 GiB (QEMU's
 * firmware places BARs below 4 GiB with small guests); a BAR above 4 GiB is refused.
 * FIXME: map BARs uncached through the memory area's mapping API once it exists.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/Types.h>

namespace Kernel::Pci {

// Where a function sits on the bus.
struct Address {
    u8 bus {0};
    u8 device {0};
    u8 function {0};
};

// One function found by enumerate().
struct Device {
    Address address;
    u16 vendor_id {0};
    u16 device_id {0};
    u16 subsystem_vendor_id {0};
    u16 subsystem_id {0};
    u8 class_code {0};
    u8 subclass {0};
    u8 programming_interface {0};
    u8 revision {0};
    u8 interrupt_line {0xFF};
};

// Reads and writes the configuration space of a function (offsets are byte offsets; 16- and
// 32-bit accesses must be naturally aligned).
u8 read_config8(Address, u8 offset);
u16 read_config16(Address, u8 offset);
u32 read_config32(Address, u8 offset);
void write_config16(Address, u8 offset, u16 value);
void write_config32(Address, u8 offset, u32 value);

// Scans all buses once and logs the device list. Later calls do nothing.
void enumerate();

// Every function found by enumerate().
Span<Device const> devices();

// The configuration-space offset of the first capability with `id` (0x11 MSI-X, 0x09
// vendor-specific, ...), starting after `after` when given.
Optional<u8> find_capability(Address, u8 id, Optional<u8> after = {});

// A memory BAR: its physical address and size.
struct MemoryBar {
    u64 physical_address {0};
    u64 size {0};
};

// The memory BAR `index` (0..5; a 64-bit BAR takes two slots, name the first). Fails for an
// I/O BAR, an unassigned BAR, or one the kernel cannot reach.
ErrorOr<MemoryBar> memory_bar(Address, u8 index);

// A kernel pointer to `offset` bytes into memory BAR `index` (a device register window).
ErrorOr<u8 volatile*> map_memory_bar(Address, u8 index, u64 offset, u64 length);

// Turns on memory-space decoding and bus mastering (DMA) for the function.
void enable_bus_mastering(Address);

} // namespace Kernel::Pci
