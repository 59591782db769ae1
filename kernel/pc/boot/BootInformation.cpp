/*
 * kernel/pc/boot/BootInformation.cpp: parses the two boot protocols' structures. Both live
 * below 4 GiB, which the boot page tables identity-map.
 */
#include <kernel/pc/boot/BootConstants.h>
#include <kernel/pc/boot/BootInformation.h>

namespace Kernel {

namespace {

    constexpr usize command_line_capacity = 1024;
    char s_command_line[command_line_capacity];

    constexpr u64 identity_mapped_limit = 4ull * 1024 * 1024 * 1024;
    constexpr u32 memory_type_ram = 1; // the same code in multiboot, e820 and PVH maps

    template<typename T> T const* physical_pointer(u64 physical_address)
    {
        if (physical_address == 0 || physical_address + sizeof(T) > identity_mapped_limit)
            return nullptr;
        return reinterpret_cast<T const*>(physical_address);
    }

    void add_memory_range(BootInformation& information, u64 base, u64 length)
    {
        information.usable_memory_bytes += length;
        if (information.memory_range_count < BootInformation::memory_range_capacity)
            information.memory_ranges[information.memory_range_count++] = {base, length};
    }

    void add_boot_structure(BootInformation& information, u64 base, u64 length)
    {
        if (base != 0 && information.boot_structure_count < BootInformation::boot_structure_capacity)
            information.boot_structures[information.boot_structure_count++] = {base, length};
    }

    StringView copy_command_line(u64 physical_address)
    {
        auto const* text = physical_pointer<char>(physical_address);
        if (!text)
            return {};
        usize length = 0;
        while (length + 1 < command_line_capacity && text[length] != '\0') {
            s_command_line[length] = text[length];
            ++length;
        }
        s_command_line[length] = '\0';
        return StringView(s_command_line, length).trim_whitespace();
    }

    // Multiboot v1 information structure (only the fields we read).
    struct [[gnu::packed]] MultibootInformation {
        u32 flags;
        u32 memory_lower_kib;
        u32 memory_upper_kib;
        u32 boot_device;
        u32 command_line;
        u32 module_count;
        u32 module_address;
        u32 symbols[4];
        u32 memory_map_length;
        u32 memory_map_address;
    };
    constexpr u32 multiboot_has_memory = 1 << 0;
    constexpr u32 multiboot_has_command_line = 1 << 2;
    constexpr u32 multiboot_has_memory_map = 1 << 6;

    struct [[gnu::packed]] MultibootMemoryRange {
        u32 size; // of the rest of this entry
        u64 base;
        u64 length;
        u32 type;
    };

    void read_multiboot(u32 address, BootInformation& information)
    {
        auto const* multiboot = physical_pointer<MultibootInformation>(address);
        if (!multiboot)
            return;
        add_boot_structure(information, address, sizeof(MultibootInformation));
        if (multiboot->flags & multiboot_has_command_line) {
            information.command_line = copy_command_line(multiboot->command_line);
            add_boot_structure(information, multiboot->command_line, information.command_line.length() + 1);
        }
        if (multiboot->flags & multiboot_has_memory_map) {
            u64 position = multiboot->memory_map_address;
            u64 end = position + multiboot->memory_map_length;
            add_boot_structure(information, position, multiboot->memory_map_length);
            while (position < end) {
                auto const* range = physical_pointer<MultibootMemoryRange>(position);
                if (!range)
                    break;
                if (range->type == memory_type_ram)
                    add_memory_range(information, range->base, range->length);
                position += range->size + sizeof(range->size);
            }
        } else if (multiboot->flags & multiboot_has_memory) {
            // Lower memory from 0, upper memory from 1 MiB, as the multiboot specification says.
            add_memory_range(information, 0, static_cast<u64>(multiboot->memory_lower_kib) * 1024);
            add_memory_range(information, 1024 * 1024, static_cast<u64>(multiboot->memory_upper_kib) * 1024);
        }
    }

    // struct hvm_start_info from Xen's public/arch-x86/hvm/start_info.h.
    struct PvhStartInformation {
        u32 magic;
        u32 version;
        u32 flags;
        u32 module_count;
        u64 module_list_address;
        u64 command_line_address;
        u64 rsdp_address;
        // Version 1 and later.
        u64 memory_map_address;
        u32 memory_map_entries;
        u32 reserved;
    };

    struct PvhMemoryRange {
        u64 address;
        u64 size;
        u32 type;
        u32 reserved;
    };

    void read_pvh(u32 address, BootInformation& information)
    {
        auto const* start = physical_pointer<PvhStartInformation>(address);
        if (!start || start->magic != PVH_START_INFO_MAGIC)
            return;
        add_boot_structure(information, address, sizeof(PvhStartInformation));
        information.command_line = copy_command_line(start->command_line_address);
        add_boot_structure(information, start->command_line_address, information.command_line.length() + 1);
        if (start->version < 1)
            return;
        add_boot_structure(
            information, start->memory_map_address, start->memory_map_entries * sizeof(PvhMemoryRange));
        for (u32 i = 0; i < start->memory_map_entries; ++i) {
            auto const* range
                = physical_pointer<PvhMemoryRange>(start->memory_map_address + i * sizeof(PvhMemoryRange));
            if (!range)
                break;
            if (range->type == memory_type_ram)
                add_memory_range(information, range->address, range->size);
        }
    }

} // namespace

BootInformation read_boot_information(u32 protocol, u32 information_physical_address)
{
    BootInformation information;
    if (protocol == BOOT_PROTOCOL_MULTIBOOT) {
        information.protocol = BootProtocol::Multiboot;
        read_multiboot(information_physical_address, information);
    } else if (protocol == BOOT_PROTOCOL_PVH) {
        information.protocol = BootProtocol::Pvh;
        read_pvh(information_physical_address, information);
    }
    return information;
}

StringView boot_protocol_name(BootProtocol protocol)
{
    switch (protocol) {
    case BootProtocol::Multiboot:
        return "multiboot"sv;
    case BootProtocol::Pvh:
        return "pvh"sv;
    case BootProtocol::Unknown:
        break;
    }
    return "unknown"sv;
}

Optional<StringView> command_line_value(StringView command_line, StringView key)
{
    for (auto word : command_line.split_view(' ')) {
        auto equals = word.find('=');
        if (!equals.has_value())
            continue;
        if (word.substring_view(0, *equals) == key)
            return word.substring_view(*equals + 1);
    }
    return {};
}

} // namespace Kernel
