/*
 * tools/phc/SourceFiles.h: reading .ph files on the host for phc and phantom-vm: the
 * ImportLoader that finds `import "x.ph"` next to the importing file (then in the standard
 * library folder), and a helper that compiles a list of files and prints the diagnostics.
 */
#pragma once

#include <base/String.h>
#include <vm/lang/Compiler.h>

#include <string>

namespace PhantomTools {

// Reads a whole file; false when it cannot be read.
bool read_file(std::string const& path, std::string& contents);

class HostImportLoader final : public Lang::ImportLoader {
public:
    explicit HostImportLoader(std::string library_folder)
        : m_library_folder(std::move(library_folder))
    { }
    ErrorOr<LoadedFile> load(StringView importer, StringView path) override;

private:
    std::string m_library_folder;
};

// The standard library folder: $PHANTOM_STDLIB, else the one in the source tree.
std::string standard_library_folder();

} // namespace PhantomTools
