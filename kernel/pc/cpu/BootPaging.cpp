/*
 * kernel/pc/cpu/BootPaging.cpp: splits a 2 MiB boot mapping into 4 KiB pages when a single
 * page must be unmapped.
 */
#include <base/Assertions.h>
#include <kernel/pc/boot/BootConstants.h>
#include <kernel/pc/cpu/BootPaging.h>
#include <kernel/pc/cpu/Io.h>

// Boot.S: four page directories covering physical 0..4 GiB with 2 MiB pages.
extern "C" u64 boot_page_directories[4 * 512];

namespace Kernel {

namespace {

    constexpr u64 page_present = 1 << 0;
    constexpr u64 page_writable = 1 << 1;
    constexpr u64 page_large = 1 << 7;
    constexpr u64 large_page_size = 2 * 1024 * 1024;
    constexpr u64 page_size = 4096;
    constexpr usize max_split_pages = 4;

    alignas(4096) u64 s_split_tables[max_split_pages][512];
    u64 s_split_bases[max_split_pages];
    usize s_split_count;

    // The 4 KiB page table that now maps the 2 MiB page at `large_page_base`.
    u64* page_table_for(u64 large_page_base)
    {
        for (usize i = 0; i < s_split_count; ++i) {
            if (s_split_bases[i] == large_page_base)
                return s_split_tables[i];
        }
        VERIFY(s_split_count < max_split_pages);
        u64* table = s_split_tables[s_split_count];
        s_split_bases[s_split_count++] = large_page_base;
        for (u64 i = 0; i < 512; ++i)
            table[i] = (large_page_base + i * page_size) | page_present | page_writable;
        u64& directory_entry = boot_page_directories[large_page_base / large_page_size];
        VERIFY(directory_entry & page_large);
        directory_entry = kernel_virtual_to_physical(table) | page_present | page_writable;
        return table;
    }

} // namespace

FlatPtr kernel_virtual_to_physical(void const* address)
{
    auto virtual_address = reinterpret_cast<FlatPtr>(address);
    VERIFY(virtual_address >= KERNEL_VIRTUAL_BASE);
    return virtual_address - KERNEL_VIRTUAL_BASE;
}

void unmap_boot_page(FlatPtr physical_address)
{
    VERIFY(physical_address < 4ull * 1024 * 1024 * 1024);
    u64 large_page_base = physical_address & ~(large_page_size - 1);
    u64* table = page_table_for(large_page_base);
    table[(physical_address - large_page_base) / page_size] = 0;
    // Both views changed; reloading CR3 flushes every non-global translation.
    Cpu::write_cr3(Cpu::read_cr3());
}

} // namespace Kernel
