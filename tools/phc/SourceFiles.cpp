/*
 * tools/phc/SourceFiles.cpp: host file access for the compiler tools.
 */
#include <tools/phc/SourceFiles.h>

#include <cstdio>
#include <cstdlib>

namespace PhantomTools {

bool read_file(std::string const& path, std::string& contents)
{
    FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        return false;
    contents.clear();
    char buffer[65536];
    size_t count;
    while ((count = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        contents.append(buffer, count);
    bool ok = !std::ferror(file);
    std::fclose(file);
    return ok;
}

std::string standard_library_folder()
{
    if (char const* folder = std::getenv("PHANTOM_STDLIB"))
        return folder;
    return PHANTOM_STDLIB_DIR;
}

ErrorOr<Lang::ImportLoader::LoadedFile> HostImportLoader::load(StringView importer, StringView path)
{
    std::string importer_path(importer.characters_without_null_termination(), importer.length());
    std::string requested(path.characters_without_null_termination(), path.length());
    std::string folder;
    if (auto slash = importer_path.rfind('/'); slash != std::string::npos)
        folder = importer_path.substr(0, slash + 1);
    std::string candidates[] = {
        requested.empty() || requested[0] == '/' ? requested : folder + requested,
        m_library_folder + "/" + requested,
    };
    for (auto const& candidate : candidates) {
        std::string text;
        if (!read_file(candidate, text))
            continue;
        LoadedFile loaded;
        loaded.path = TRY(String::from_view(StringView(candidate.data(), candidate.size())));
        loaded.text = TRY(String::from_view(StringView(text.data(), text.size())));
        return loaded;
    }
    return Error::with_message(
        ErrorCode::NotFound, "no such file next to the importing file or in the standard library"sv);
}

} // namespace PhantomTools
