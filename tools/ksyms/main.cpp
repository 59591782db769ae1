/*
 * tools/ksyms/main.cpp: phantom-ksyms, the host tool behind the kernel's symbolized panic
 * backtraces. The kernel link runs twice (kernel/pc/CMakeLists.txt):
 *
 *     phantom-ksyms extract pass1.elf kernel.ksyms     # blob from the pass-1 symbol table
 *     (pass 2 links kernel.ksyms into the .ksyms section)
 *     phantom-ksyms verify kernel.elf --delete-on-failure
 *
 * `verify` rebuilds the blob from the final ELF and compares it byte for byte with the blob
 * the ELF carries, and checks that no function lies after .ksyms (only what follows the
 * blob may move between the passes). `dump` prints a blob or an ELF's embedded blob.
 */
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <tools/ksyms/ElfFile.h>
#include <tools/ksyms/SymbolBlob.h>
#include <vector>

namespace {

int usage()
{
    std::fprintf(stderr,
        "usage: phantom-ksyms extract KERNEL.elf OUTPUT.ksyms\n"
        "       phantom-ksyms verify KERNEL.elf [--delete-on-failure]\n"
        "       phantom-ksyms dump KERNEL.elf|BLOB.ksyms\n");
    return 2;
}

std::optional<Ksyms::ElfFile> open_elf(std::string const& path)
{
    std::string error;
    auto file = Ksyms::ElfFile::open(path, error);
    if (!file)
        std::fprintf(stderr, "phantom-ksyms: %s\n", error.c_str());
    return file;
}

int extract(std::string const& elf_path, std::string const& output_path)
{
    auto file = open_elf(elf_path);
    if (!file)
        return 1;
    auto blob = Ksyms::encode_blob(Ksyms::collect_entries(file->function_symbols()));
    std::ofstream output(output_path, std::ios::binary | std::ios::trunc);
    output.write(reinterpret_cast<char const*>(blob.data()), static_cast<std::streamsize>(blob.size()));
    if (!output) {
        std::fprintf(stderr, "phantom-ksyms: cannot write %s\n", output_path.c_str());
        return 1;
    }
    return 0;
}

bool check(std::string const& elf_path)
{
    auto file = open_elf(elf_path);
    if (!file)
        return false;
    auto section = file->section(".ksyms");
    if (!section) {
        std::fprintf(stderr, "phantom-ksyms: %s has no .ksyms section (is the symbol blob linked in?)\n",
            elf_path.c_str());
        return false;
    }

    bool ok = true;
    for (auto const& symbol : file->function_symbols()) {
        if (symbol.address + symbol.size > section->address) {
            std::fprintf(stderr,
                "phantom-ksyms: function %s at %#llx lies after the symbol blob (.ksyms at %#llx); "
                "fix the section order in kernel/pc/linker.ld\n",
                Ksyms::demangle(symbol.mangled_name).c_str(), static_cast<unsigned long long>(symbol.address),
                static_cast<unsigned long long>(section->address));
            ok = false;
        }
    }

    auto expected_entries = Ksyms::collect_entries(file->function_symbols());
    if (expected_entries.empty()) {
        std::fprintf(stderr, "phantom-ksyms: %s has no function symbols (stripped?)\n", elf_path.c_str());
        return false;
    }
    auto expected = Ksyms::encode_blob(expected_entries);
    auto actual = file->section_contents(*section);
    if (expected == actual)
        return ok;

    // Explain the first difference: the usual cause is code that moved between the passes.
    std::vector<Ksyms::BlobEntry> actual_entries;
    std::string error;
    if (!Ksyms::decode_blob(actual, actual_entries, error)) {
        std::fprintf(stderr, "phantom-ksyms: the embedded symbol blob is unreadable: %s\n", error.c_str());
        return false;
    }
    for (std::size_t i = 0; i < std::max(expected_entries.size(), actual_entries.size()); ++i) {
        if (i >= expected_entries.size() || i >= actual_entries.size()) {
            std::fprintf(stderr, "phantom-ksyms: the blob has %zu functions, the ELF %zu\n",
                actual_entries.size(), expected_entries.size());
            break;
        }
        auto const& want = expected_entries[i];
        auto const& have = actual_entries[i];
        if (want.address != have.address || want.size != have.size || want.name != have.name) {
            std::fprintf(stderr,
                "phantom-ksyms: symbol %zu differs: the ELF has %s at %#llx (size %u), the blob %s at %#llx "
                "(size %u)\n",
                i, want.name.c_str(), static_cast<unsigned long long>(want.address), want.size,
                have.name.c_str(), static_cast<unsigned long long>(have.address), have.size);
            break;
        }
    }
    std::fprintf(stderr, "phantom-ksyms: %s: the embedded symbol blob does not match the symbol table\n",
        elf_path.c_str());
    return false;
}

int verify(std::string const& elf_path, bool delete_on_failure)
{
    if (check(elf_path))
        return 0;
    // A kernel with wrong symbol names must not survive the failed build step.
    if (delete_on_failure)
        std::remove(elf_path.c_str());
    return 1;
}

int dump(std::string const& path)
{
    std::vector<std::uint8_t> blob;
    std::string error;
    if (auto file = Ksyms::ElfFile::open(path, error)) {
        auto section = file->section(".ksyms");
        if (!section) {
            std::fprintf(stderr, "phantom-ksyms: %s has no .ksyms section\n", path.c_str());
            return 1;
        }
        blob = file->section_contents(*section);
    } else {
        std::ifstream stream(path, std::ios::binary);
        if (!stream) {
            std::fprintf(stderr, "phantom-ksyms: cannot open %s\n", path.c_str());
            return 1;
        }
        blob.assign(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
    }
    std::vector<Ksyms::BlobEntry> entries;
    if (!Ksyms::decode_blob(blob, entries, error)) {
        std::fprintf(stderr, "phantom-ksyms: %s: %s\n", path.c_str(), error.c_str());
        return 1;
    }
    for (auto const& entry : entries)
        std::printf("%016llx %8u %s\n", static_cast<unsigned long long>(entry.address), entry.size,
            entry.name.c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.size() == 3 && arguments[0] == "extract")
        return extract(arguments[1], arguments[2]);
    if (arguments.size() == 2 && arguments[0] == "verify")
        return verify(arguments[1], false);
    if (arguments.size() == 3 && arguments[0] == "verify" && arguments[2] == "--delete-on-failure")
        return verify(arguments[1], true);
    if (arguments.size() == 2 && arguments[0] == "dump")
        return dump(arguments[1]);
    return usage();
}
