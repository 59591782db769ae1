/*
 * kernel/pc/cpu/Acpi.cpp: RSDP search, RSDT/XSDT walk and MADT parsing. Every read copies
 * with memcpy, since ACPI structures are packed and not necessarily aligned.
 */
#include <kernel/pc/cpu/Acpi.h>

namespace Kernel::Acpi {

namespace {

    constexpr usize table_header_size = 36;

    template<typename T> T read(FlatPtr address)
    {
        T value;
        __builtin_memcpy(&value, reinterpret_cast<void const*>(address), sizeof(T));
        return value;
    }

    bool checksum_is_zero(FlatPtr address, usize length)
    {
        u8 sum = 0;
        for (usize i = 0; i < length; ++i)
            sum = static_cast<u8>(sum + read<u8>(address + i));
        return sum == 0;
    }

    FlatPtr scan_for_rsdp(FlatPtr start, FlatPtr end)
    {
        for (FlatPtr address = start; address + 20 <= end; address += 16) {
            if (__builtin_memcmp(reinterpret_cast<void const*>(address), "RSD PTR ", 8) == 0
                && checksum_is_zero(address, 20))
                return address;
        }
        return 0;
    }

    // Only the BIOS area: the EBDA pointer lives in page 0, which is unmapped to catch null
    // pointers, and QEMU's firmware (SeaBIOS, qboot) puts the RSDP in the F segment anyway.
    FlatPtr find_rsdp() { return scan_for_rsdp(0xE0000, 0x100000); }

    InterruptTopology qemu_defaults()
    {
        InterruptTopology topology;
        topology.local_apic_address = 0xFEE00000;
        topology.ioapics[0] = {0xFEC00000, 0, 24};
        topology.ioapic_count = 1;
        topology.overrides[0] = {0, 2, 0};
        topology.override_count = 1;
        return topology;
    }

} // namespace

FlatPtr find_table(char const signature[4])
{
    FlatPtr rsdp = find_rsdp();
    if (!rsdp)
        return 0;
    u8 revision = read<u8>(rsdp + 15);
    FlatPtr root = 0;
    usize entry_size = 4;
    if (revision >= 2 && read<u64>(rsdp + 24) != 0) {
        root = static_cast<FlatPtr>(read<u64>(rsdp + 24));
        entry_size = 8;
    } else {
        root = read<u32>(rsdp + 16);
    }
    // Only what the boot identity map covers.
    if (!root || root >= 0x1'0000'0000)
        return 0;
    u32 length = read<u32>(root + 4);
    for (usize offset = table_header_size; offset + entry_size <= length; offset += entry_size) {
        FlatPtr table
            = entry_size == 8 ? static_cast<FlatPtr>(read<u64>(root + offset)) : read<u32>(root + offset);
        if (table && table < 0x1'0000'0000
            && __builtin_memcmp(reinterpret_cast<void const*>(table), signature, 4) == 0)
            return table;
    }
    return 0;
}

InterruptTopology read_interrupt_topology()
{
    FlatPtr madt = find_table("APIC");
    if (!madt || !checksum_is_zero(madt, read<u32>(madt + 4)))
        return qemu_defaults();

    InterruptTopology topology;
    topology.from_madt = true;
    topology.local_apic_address = read<u32>(madt + 36);
    u32 length = read<u32>(madt + 4);
    for (usize offset = 44; offset + 2 <= length;) {
        u8 type = read<u8>(madt + offset);
        u8 entry_length = read<u8>(madt + offset + 1);
        if (entry_length < 2 || offset + entry_length > length)
            break;
        FlatPtr entry = madt + offset;
        if (type == 1 && entry_length >= 12 && topology.ioapic_count < InterruptTopology::max_ioapics) {
            topology.ioapics[topology.ioapic_count++] = {read<u32>(entry + 4), read<u32>(entry + 8), 24};
        } else if (type == 2 && entry_length >= 10
            && topology.override_count < InterruptTopology::max_overrides) {
            topology.overrides[topology.override_count++]
                = {read<u8>(entry + 3), read<u32>(entry + 4), read<u16>(entry + 8)};
        } else if (type == 5 && entry_length >= 12) {
            topology.local_apic_address = static_cast<FlatPtr>(read<u64>(entry + 4));
        }
        offset += entry_length;
    }
    if (topology.ioapic_count == 0)
        return qemu_defaults();
    return topology;
}

} // namespace Kernel::Acpi
