/*
 * kernel/pc/SymbolTableFormat.h: the layout of the kernel symbol blob, shared by the host
 * tool that writes it (tools/ksyms, phantom-ksyms) and the kernel that reads it
 * (KernelSymbols.cpp) to name the functions in a panic backtrace.
 *
 * The blob is little endian and lives in the kernel's .ksyms section:
 *
 *     Header   magic "PHKSYM01", u32 count, u32 string_table_size      (16 bytes)
 *     Entry    count x { u64 address, u32 size, u32 name_offset }      (16 bytes each,
 *              sorted by address, one entry per address)
 *     char     string_table[string_table_size]: NUL-terminated demangled names;
 *              name_offset indexes it.
 *
 * Only function symbols (STT_FUNC) are kept. A size of 0 (an assembly label without .size)
 * means "up to the next entry".
 */
#pragma once

#include <cstdint>

namespace Kernel::SymbolTableFormat {

inline constexpr char magic[8] = {'P', 'H', 'K', 'S', 'Y', 'M', '0', '1'};

struct Header {
    char magic[8];
    std::uint32_t count;
    std::uint32_t string_table_size;
};

struct Entry {
    std::uint64_t address;
    std::uint32_t size;
    std::uint32_t name_offset;
};

static_assert(sizeof(Header) == 16 && sizeof(Entry) == 16, "the blob layout is fixed");

} // namespace Kernel::SymbolTableFormat
