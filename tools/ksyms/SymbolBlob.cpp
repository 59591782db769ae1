/*
 * tools/ksyms/SymbolBlob.cpp: turns function symbols into the compact, sorted, demangled
 * table the kernel searches when it prints a backtrace.
 */
#include <tools/ksyms/SymbolBlob.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <cxxabi.h>
#include <kernel/pc/SymbolTableFormat.h>
#include <limits>

namespace Ksyms {

namespace Format = Kernel::SymbolTableFormat;

std::string demangle(std::string const& mangled_name)
{
    int status = 0;
    char* demangled = abi::__cxa_demangle(mangled_name.c_str(), nullptr, nullptr, &status);
    if (status != 0 || demangled == nullptr)
        return mangled_name;
    std::string result(demangled);
    std::free(demangled);
    return result;
}

std::vector<BlobEntry> collect_entries(std::vector<FunctionSymbol> const& symbols)
{
    std::vector<FunctionSymbol const*> sorted;
    for (auto const& symbol : symbols)
        sorted.push_back(&symbol);
    // Deterministic order: by address, then the preferred name first.
    std::sort(sorted.begin(), sorted.end(), [](FunctionSymbol const* a, FunctionSymbol const* b) {
        if (a->address != b->address)
            return a->address < b->address;
        if (a->is_global != b->is_global)
            return a->is_global;
        if (a->mangled_name.size() != b->mangled_name.size())
            return a->mangled_name.size() < b->mangled_name.size();
        return a->mangled_name < b->mangled_name;
    });

    std::vector<BlobEntry> entries;
    for (auto const* symbol : sorted) {
        if (!entries.empty() && entries.back().address == symbol->address)
            continue;
        BlobEntry entry;
        entry.address = symbol->address;
        entry.size = static_cast<std::uint32_t>(
            std::min<std::uint64_t>(symbol->size, std::numeric_limits<std::uint32_t>::max()));
        entry.name = demangle(symbol->mangled_name);
        entries.push_back(std::move(entry));
    }
    return entries;
}

template<typename T> static void append(std::vector<std::uint8_t>& bytes, T const& value)
{
    auto const* raw = reinterpret_cast<std::uint8_t const*>(&value);
    bytes.insert(bytes.end(), raw, raw + sizeof(T));
}

std::vector<std::uint8_t> encode_blob(std::vector<BlobEntry> const& entries)
{
    std::string strings;
    std::vector<Format::Entry> encoded;
    for (auto const& entry : entries) {
        Format::Entry raw {};
        raw.address = entry.address;
        raw.size = entry.size;
        raw.name_offset = static_cast<std::uint32_t>(strings.size());
        strings += entry.name;
        strings.push_back('\0');
        encoded.push_back(raw);
    }

    Format::Header header {};
    std::memcpy(header.magic, Format::magic, sizeof(header.magic));
    header.count = static_cast<std::uint32_t>(encoded.size());
    header.string_table_size = static_cast<std::uint32_t>(strings.size());

    std::vector<std::uint8_t> bytes;
    append(bytes, header);
    for (auto const& raw : encoded)
        append(bytes, raw);
    bytes.insert(bytes.end(), strings.begin(), strings.end());
    return bytes;
}

bool decode_blob(std::vector<std::uint8_t> const& bytes, std::vector<BlobEntry>& entries, std::string& error)
{
    Format::Header header;
    if (bytes.size() < sizeof(header)) {
        error = "blob shorter than its header";
        return false;
    }
    std::memcpy(&header, bytes.data(), sizeof(header));
    if (std::memcmp(header.magic, Format::magic, sizeof(header.magic)) != 0) {
        error = "bad blob magic";
        return false;
    }
    std::uint64_t strings_offset = sizeof(header) + std::uint64_t(header.count) * sizeof(Format::Entry);
    if (strings_offset + header.string_table_size != bytes.size()) {
        error = "blob size does not match its header";
        return false;
    }
    auto const* strings = reinterpret_cast<char const*>(bytes.data() + strings_offset);
    for (std::uint32_t i = 0; i < header.count; ++i) {
        Format::Entry raw;
        std::memcpy(&raw, bytes.data() + sizeof(header) + i * sizeof(raw), sizeof(raw));
        if (raw.name_offset >= header.string_table_size) {
            error = "name offset out of range";
            return false;
        }
        auto length = strnlen(strings + raw.name_offset, header.string_table_size - raw.name_offset);
        entries.push_back({raw.address, raw.size, std::string(strings + raw.name_offset, length)});
    }
    return true;
}

} // namespace Ksyms
