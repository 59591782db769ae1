/*
 * tools/ksyms/ElfFile.cpp: reads an ELF64 file with bounds checks on every header, so a
 * truncated or foreign file gives an error message instead of a crash.
 */
#include <tools/ksyms/ElfFile.h>

#include <cstring>
#include <elf.h>
#include <fstream>
#include <iterator>

namespace Ksyms {

std::optional<ElfFile> ElfFile::open(std::string const& path, std::string& error)
{
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        error = "cannot open " + path;
        return std::nullopt;
    }
    ElfFile file;
    file.m_bytes.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
    if (!file.parse(error)) {
        error = path + ": " + error;
        return std::nullopt;
    }
    return file;
}

template<typename T>
static bool read_at(std::vector<std::uint8_t> const& bytes, std::uint64_t offset, T& value)
{
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T))
        return false;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return true;
}

bool ElfFile::parse(std::string& error)
{
    Elf64_Ehdr header;
    if (!read_at(m_bytes, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
        error = "not an ELF file";
        return false;
    }
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB) {
        error = "not a little-endian ELF64 file";
        return false;
    }
    if (header.e_shentsize != sizeof(Elf64_Shdr)) {
        error = "unexpected section header size";
        return false;
    }

    std::vector<Elf64_Shdr> section_headers(header.e_shnum);
    for (unsigned i = 0; i < header.e_shnum; ++i) {
        if (!read_at(m_bytes, header.e_shoff + std::uint64_t(i) * sizeof(Elf64_Shdr), section_headers[i])) {
            error = "truncated section header table";
            return false;
        }
    }
    if (header.e_shstrndx >= section_headers.size()) {
        error = "no section name table";
        return false;
    }

    auto string_at = [&](Elf64_Shdr const& table, std::uint64_t offset, std::string& out) {
        if (offset >= table.sh_size || table.sh_offset + table.sh_size > m_bytes.size())
            return false;
        auto const* start = reinterpret_cast<char const*>(m_bytes.data() + table.sh_offset + offset);
        auto length = strnlen(start, table.sh_size - offset);
        if (length == table.sh_size - offset)
            return false;
        out.assign(start, length);
        return true;
    };

    auto const& names = section_headers[header.e_shstrndx];
    for (auto const& section_header : section_headers) {
        Section section;
        if (!string_at(names, section_header.sh_name, section.name)) {
            error = "bad section name";
            return false;
        }
        section.address = section_header.sh_addr;
        section.file_offset = section_header.sh_offset;
        section.size = section_header.sh_size;
        section.occupies_file = section_header.sh_type != SHT_NOBITS && section_header.sh_type != SHT_NULL;
        if (section.occupies_file
            && (section.file_offset > m_bytes.size()
                || m_bytes.size() - section.file_offset < section.size)) {
            error = "section " + section.name + " lies outside the file";
            return false;
        }
        m_sections.push_back(section);
    }

    for (auto const& symbol_table : section_headers) {
        if (symbol_table.sh_type != SHT_SYMTAB)
            continue;
        if (symbol_table.sh_link >= section_headers.size()) {
            error = "symbol table without a string table";
            return false;
        }
        auto const& strings = section_headers[symbol_table.sh_link];
        std::uint64_t count = symbol_table.sh_size / sizeof(Elf64_Sym);
        for (std::uint64_t i = 0; i < count; ++i) {
            Elf64_Sym symbol;
            if (!read_at(m_bytes, symbol_table.sh_offset + i * sizeof(Elf64_Sym), symbol)) {
                error = "truncated symbol table";
                return false;
            }
            if (ELF64_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_shndx == SHN_UNDEF
                || symbol.st_value == 0)
                continue;
            FunctionSymbol function;
            if (!string_at(strings, symbol.st_name, function.mangled_name)) {
                error = "bad symbol name";
                return false;
            }
            function.address = symbol.st_value;
            function.size = symbol.st_size;
            function.is_global = ELF64_ST_BIND(symbol.st_info) != STB_LOCAL;
            m_function_symbols.push_back(std::move(function));
        }
    }
    return true;
}

std::optional<Section> ElfFile::section(std::string const& name) const
{
    for (auto const& section : m_sections) {
        if (section.name == name)
            return section;
    }
    return std::nullopt;
}

std::vector<std::uint8_t> ElfFile::section_contents(Section const& section) const
{
    if (!section.occupies_file)
        return {};
    auto begin = m_bytes.begin() + static_cast<std::ptrdiff_t>(section.file_offset);
    return {begin, begin + static_cast<std::ptrdiff_t>(section.size)};
}

} // namespace Ksyms
