/*
 * tools/ksyms/ElfFile.h: just enough of an ELF64 little-endian reader for phantom-ksyms:
 * the sections by name and the function symbols of .symtab.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace Ksyms {

struct FunctionSymbol {
    std::uint64_t address {0};
    std::uint64_t size {0};
    std::string mangled_name;
    bool is_global {false};
};

struct Section {
    std::string name;
    std::uint64_t address {0};
    std::uint64_t file_offset {0};
    std::uint64_t size {0};
    bool occupies_file {false};
};

class ElfFile {
public:
    // Reads and checks the whole file; on failure returns nothing and sets `error`.
    static std::optional<ElfFile> open(std::string const& path, std::string& error);

    std::vector<Section> const& sections() const { return m_sections; }
    std::optional<Section> section(std::string const& name) const;
    // The bytes of a section that occupies the file (empty for NOBITS).
    std::vector<std::uint8_t> section_contents(Section const&) const;
    // Every defined STT_FUNC symbol of .symtab with a non-zero address.
    std::vector<FunctionSymbol> const& function_symbols() const { return m_function_symbols; }

private:
    bool parse(std::string& error);

    std::vector<std::uint8_t> m_bytes;
    std::vector<Section> m_sections;
    std::vector<FunctionSymbol> m_function_symbols;
};

} // namespace Ksyms
