/*
 * tools/mkimage/main.cpp: phantom-mkimage, the world image builder.
 *
 *     phantom-mkimage program OUT.phc SOURCE.ph [MORE.ph ...]
 *         compiles a world program (imports next to the sources, then the standard library
 *         vm/lang/stdlib; the world's internal classes are known) into one class-image file
 *         (vm/ClassImage.h), checked by reading it back; the kernel build embeds these and a
 *         fresh world starts from one
 *     phantom-mkimage disk OUT.img --size 2G [--force]
 *         creates a sparse blank disk image; the first boot formats it (kernel/persist formats
 *         a blank device) and installs a fresh world
 *
 * Exit status: 0 done, 1 the program has errors, 2 bad usage or a file that cannot be read
 * or written.
 */
#include <tools/phc/SourceFiles.h>
#include <vm/ClassImage.h>
#include <vm/world/World.h>
#include <windowing/DesktopObjects.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace PhantomTools;

namespace {

char const usage_text[]
    = "usage: phantom-mkimage program OUT.phc SOURCE.ph [MORE.ph ...]\n"
      "       phantom-mkimage disk OUT.img --size SIZE [--force]   (SIZE: 64M, 2G, ...; at least 16M)\n";

constexpr int status_program_errors = 1;
constexpr int status_usage = 2;
constexpr unsigned long long minimum_disk_bytes = 16ull * 1024 * 1024;
constexpr unsigned long long disk_granularity = 4096;

int usage_error(char const* complaint)
{
    std::fprintf(stderr, "phantom-mkimage: %s\n%s", complaint, usage_text);
    return status_usage;
}

void print_view(FILE* stream, StringView text)
{
    std::fwrite(text.characters_without_null_termination(), 1, text.length(), stream);
}

// "4096", "64K", "256M", "2G" -> bytes.
std::optional<unsigned long long> parse_size(std::string const& text)
{
    if (text.empty() || text[0] < '0' || text[0] > '9')
        return {};
    char* end = nullptr;
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    if (errno != 0)
        return {};
    std::string suffix(end);
    unsigned long long multiplier = 1;
    if (suffix == "K" || suffix == "k")
        multiplier = 1024;
    else if (suffix == "M" || suffix == "m")
        multiplier = 1024 * 1024;
    else if (suffix == "G" || suffix == "g")
        multiplier = 1024ull * 1024 * 1024;
    else if (!suffix.empty())
        return {};
    if (value > ~0ull / multiplier)
        return {};
    return value * multiplier;
}

bool write_file(std::string const& path, std::vector<u8> const& bytes)
{
    // Written next to the target and renamed, so a failed run never leaves half an image.
    std::string temporary = path + ".partial";
    FILE* file = std::fopen(temporary.c_str(), "wb");
    if (!file)
        return false;
    bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    written &= std::fclose(file) == 0;
    if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return false;
    }
    return true;
}

int build_program(std::string const& output, std::vector<std::string> const& inputs)
{
    std::vector<std::string> texts(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (!read_file(inputs[i], texts[i])) {
            std::fprintf(stderr, "phantom-mkimage: cannot read %s\n", inputs[i].c_str());
            return status_usage;
        }
    }
    std::vector<Lang::SourceFile> files;
    for (size_t i = 0; i < inputs.size(); ++i)
        files.push_back(
            {StringView(inputs[i].data(), inputs[i].size()), StringView(texts[i].data(), texts[i].size())});

    Lang::Diagnostics diagnostics;
    HostImportLoader loader(standard_library_folder());
    Lang::CompileOptions options;
    options.import_loader = &loader;
    // A world program may name the internal classes every world has (World for the shell,
    // the window system's Window, Desktop...).
    VM::World::WorldClassNames world_classes(Windowing::desktop_native_classes());
    options.environment = &world_classes;
    auto program
        = Lang::compile(Span<Lang::SourceFile const>(files.data(), files.size()), diagnostics, options);
    if (program.is_error()) {
        if (diagnostics.has_errors())
            print_view(stderr, MUST(diagnostics.render()));
        else {
            std::fputs("phantom-mkimage: ", stderr);
            print_view(stderr, program.error().message());
            std::fputc('\n', stderr);
        }
        return status_program_errors;
    }
    auto bytes = VM::serialize_program(program.value());
    if (bytes.is_error()) {
        std::fprintf(stderr, "phantom-mkimage: cannot encode the program (out of memory)\n");
        return status_program_errors;
    }
    // The kernel parses the image it embeds; a file it would refuse is refused here.
    String message;
    if (VM::parse_program(bytes.value().span(), &message).is_error()) {
        std::fputs("phantom-mkimage: the encoded program does not read back: ", stderr);
        print_view(stderr, message.view());
        std::fputc('\n', stderr);
        return status_program_errors;
    }
    std::vector<u8> contents(bytes.value().data(), bytes.value().data() + bytes.value().size());
    if (!write_file(output, contents)) {
        std::fprintf(stderr, "phantom-mkimage: cannot write %s: %s\n", output.c_str(), std::strerror(errno));
        return status_usage;
    }
    return 0;
}

int build_disk(std::string const& output, unsigned long long size, bool force)
{
    if (size < minimum_disk_bytes)
        return usage_error("a disk image needs at least 16M (the PAS keeps generations and metadata)");
    if (size % disk_granularity != 0)
        return usage_error("the disk size must be a multiple of 4K (the block size)");
    int flags = O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL);
    int descriptor = ::open(output.c_str(), flags, 0644);
    if (descriptor < 0) {
        if (errno == EEXIST)
            std::fprintf(stderr, "phantom-mkimage: %s exists; pass --force to replace it with a blank disk\n",
                output.c_str());
        else
            std::fprintf(
                stderr, "phantom-mkimage: cannot create %s: %s\n", output.c_str(), std::strerror(errno));
        return status_usage;
    }
    // All zeros and sparse: kernel/persist sees a blank device and formats it on first open.
    if (::ftruncate(descriptor, static_cast<off_t>(size)) != 0) {
        std::fprintf(stderr, "phantom-mkimage: cannot size %s: %s\n", output.c_str(), std::strerror(errno));
        ::close(descriptor);
        ::unlink(output.c_str());
        return status_usage;
    }
    ::close(descriptor);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> arguments(argv + 1, argv + argc);
    if (arguments.empty())
        return usage_error("no command");
    std::string command = arguments[0];
    if (command == "-h" || command == "--help") {
        std::fputs(usage_text, stdout);
        return 0;
    }
    if (command == "program") {
        if (arguments.size() < 3)
            return usage_error("program needs OUT.phc and at least one SOURCE.ph");
        std::vector<std::string> inputs(arguments.begin() + 2, arguments.end());
        for (auto const& input : inputs) {
            if (!input.empty() && input[0] == '-')
                return usage_error("program takes no options");
        }
        return build_program(arguments[1], inputs);
    }
    if (command == "disk") {
        if (arguments.size() < 2 || arguments[1].empty() || arguments[1][0] == '-')
            return usage_error("disk needs OUT.img");
        std::optional<unsigned long long> size;
        bool force = false;
        for (size_t i = 2; i < arguments.size(); ++i) {
            if (arguments[i] == "--size" && i + 1 < arguments.size()) {
                size = parse_size(arguments[++i]);
                if (!size)
                    return usage_error("--size wants a number with an optional K, M or G suffix");
            } else if (arguments[i] == "--force")
                force = true;
            else
                return usage_error("unknown argument to disk");
        }
        if (!size)
            return usage_error("disk needs --size");
        return build_disk(arguments[1], *size, force);
    }
    return usage_error("unknown command (program or disk)");
}
