/*
 * kernel/pc/boot/BootInformation.h: what the loader told us, read from the multiboot
 * information structure or the PVH hvm_start_info, copied into kernel memory so it stays
 * valid after the low pages are reused or unmapped.
 */
#pragma once

#include <base/Optional.h>
#include <base/StringView.h>
#include <base/Types.h>

namespace Kernel {

enum class BootProtocol {
    Unknown,
    Multiboot,
    Pvh,
};

// A span of physical memory: [base, base + length).
struct PhysicalRange {
    u64 base {0};
    u64 length {0};
};

struct BootInformation {
    BootProtocol protocol {BootProtocol::Unknown};
    // As the loader gave it: QEMU's multiboot loader puts the kernel's path first.
    StringView command_line;
    // Sum of the RAM ranges of the memory map (0 when the loader gave none).
    u64 usable_memory_bytes {0};
    // The RAM ranges of the loader's memory map (multiboot mmap or PVH memmap), in its order;
    // ranges past the capacity are dropped.
    static constexpr usize memory_range_capacity = 64;
    PhysicalRange memory_ranges[memory_range_capacity];
    usize memory_range_count {0};
    // What the loader's own structures occupy (information block, memory map, command line),
    // so the frame allocator leaves them alone.
    static constexpr usize boot_structure_capacity = 8;
    PhysicalRange boot_structures[boot_structure_capacity];
    usize boot_structure_count {0};
};

// Arguments as Boot.S hands them to kernel_main().
BootInformation read_boot_information(u32 protocol, u32 information_physical_address);

// "multiboot", "pvh" or "unknown", as the banner shows it.
StringView boot_protocol_name(BootProtocol);

// The value of the first `key=value` word of the command line (words are separated by
// spaces; words without '=' such as the kernel path are skipped).
Optional<StringView> command_line_value(StringView command_line, StringView key);

} // namespace Kernel
