/*
 * tools/ksyms/SymbolBlob.h: builds the kernel symbol blob (layout in
 * kernel/pc/SymbolTableFormat.h) from an ELF file's function symbols, and reads one back
 * for `phantom-ksyms dump`.
 */
#pragma once

#include <cstdint>
#include <string>
#include <tools/ksyms/ElfFile.h>
#include <vector>

namespace Ksyms {

struct BlobEntry {
    std::uint64_t address {0};
    std::uint32_t size {0};
    std::string name;
};

// One entry per address (a global name wins over a local one, then the shorter name),
// sorted by address, names demangled.
std::vector<BlobEntry> collect_entries(std::vector<FunctionSymbol> const&);
std::vector<std::uint8_t> encode_blob(std::vector<BlobEntry> const&);
// Returns false (and sets `error`) on a malformed blob.
bool decode_blob(std::vector<std::uint8_t> const&, std::vector<BlobEntry>&, std::string& error);

std::string demangle(std::string const& mangled_name);

} // namespace Ksyms
