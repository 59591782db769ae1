/*
 * kernel/pc/KernelSymbols.cpp: binary search over the sorted blob entries. The blob is
 * checked (magic, sizes) before every use, since a panic may be what corrupted it.
 */
#include <kernel/pc/KernelSymbols.h>
#include <kernel/pc/SymbolTableFormat.h>

extern "C" u8 const kernel_symbols_start[];
extern "C" u8 const kernel_symbols_end[];

namespace Kernel {

namespace {

    namespace Format = SymbolTableFormat;

    struct Blob {
        Format::Entry const* entries;
        u32 count;
        char const* strings;
        u32 string_table_size;
    };

    Optional<Blob> open_blob()
    {
        auto size = static_cast<usize>(kernel_symbols_end - kernel_symbols_start);
        if (size < sizeof(Format::Header))
            return {};
        auto const* header = reinterpret_cast<Format::Header const*>(kernel_symbols_start);
        if (__builtin_memcmp(header->magic, Format::magic, sizeof(Format::magic)) != 0)
            return {};
        u64 entries_size = static_cast<u64>(header->count) * sizeof(Format::Entry);
        if (sizeof(Format::Header) + entries_size + header->string_table_size != size)
            return {};
        auto const* entries
            = reinterpret_cast<Format::Entry const*>(kernel_symbols_start + sizeof(Format::Header));
        auto const* strings
            = reinterpret_cast<char const*>(kernel_symbols_start + sizeof(Format::Header) + entries_size);
        return Blob {entries, header->count, strings, header->string_table_size};
    }

} // namespace

usize kernel_symbol_count()
{
    auto blob = open_blob();
    return blob.has_value() ? blob->count : 0;
}

Optional<SymbolicAddress> symbolize(FlatPtr address)
{
    auto blob = open_blob();
    if (!blob.has_value() || blob->count == 0)
        return {};

    // The last entry whose address is <= `address`.
    u32 low = 0;
    u32 high = blob->count;
    while (high - low > 1) {
        u32 middle = low + (high - low) / 2;
        if (blob->entries[middle].address <= address)
            low = middle;
        else
            high = middle;
    }
    auto const& entry = blob->entries[low];
    if (entry.address > address)
        return {};
    FlatPtr offset = address - entry.address;
    // A sized function must contain the address; an unsized label reaches to the next entry.
    if (entry.size != 0 && offset >= entry.size)
        return {};
    if (entry.size == 0 && low + 1 == blob->count)
        return {};
    if (entry.name_offset >= blob->string_table_size)
        return {};

    char const* name = blob->strings + entry.name_offset;
    usize length = 0;
    while (entry.name_offset + length < blob->string_table_size && name[length] != '\0')
        ++length;
    return SymbolicAddress {StringView(name, length), offset};
}

} // namespace Kernel
