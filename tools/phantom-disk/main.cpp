/*
 * tools/phantom-disk/main.cpp: the command line of phantom-disk (see README.md): parses the
 * subcommand and its arguments and hands them to DiskCommands. Bad usage prints the usage
 * and exits with status 2.
 */
#include <tools/phantom-disk/DiskCommands.h>

#include <kernel/persist/DiskFormat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

using namespace PhantomDisk;

static char const usage_text[]
    = "usage: phantom-disk COMMAND IMAGE [ARGUMENTS]\n"
      "  format IMAGE [--size 256M] [--keep K]  create and format an image (K: 1..64, default 8)\n"
      "  info IMAGE                             format, size, K, boot generation, free blocks, damage\n"
      "  generations IMAGE                      the kept generations, newest first\n"
      "  check IMAGE                            verify every checksum; exit status 1 on damage\n"
      "  diff IMAGE GEN1 GEN2                   pages changed, added and removed from GEN1 to GEN2\n"
      "Only `format` writes; every other command opens the image read-only.\n";

static int usage_error(char const* complaint)
{
    std::fprintf(stderr, "phantom-disk: %s\n%s", complaint, usage_text);
    return UsageOrOpenError;
}

// "4096", "64K", "256M", "2G" -> bytes.
static std::optional<u64> parse_size(std::string const& text)
{
    if (text.empty())
        return {};
    char* end = nullptr;
    unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    if (end == text.c_str())
        return {};
    std::string suffix(end);
    u64 multiplier = 1;
    if (suffix == "K" || suffix == "k")
        multiplier = 1024;
    else if (suffix == "M" || suffix == "m")
        multiplier = 1024 * 1024;
    else if (suffix == "G" || suffix == "g")
        multiplier = 1024ull * 1024 * 1024;
    else if (!suffix.empty())
        return {};
    return value * multiplier;
}

static std::optional<u64> parse_number(std::string const& text)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return {};
    return std::strtoull(text.c_str(), nullptr, 10);
}

static int run_format(std::vector<std::string> const& arguments)
{
    if (arguments.empty())
        return usage_error("format needs the path of the image to create.");
    u64 size = 256ull * 1024 * 1024;
    u32 keep = Persist::default_kept_generations;
    for (usize i = 1; i < arguments.size(); ++i) {
        if (i + 1 >= arguments.size())
            return usage_error(("option " + arguments[i] + " needs a value.").c_str());
        if (arguments[i] == "--size") {
            auto parsed = parse_size(arguments[++i]);
            if (!parsed || *parsed == 0 || *parsed % Persist::disk_block_size != 0)
                return usage_error("--size must be a positive multiple of 4096 bytes (e.g. 256M).");
            size = *parsed;
        } else if (arguments[i] == "--keep") {
            auto parsed = parse_number(arguments[++i]);
            if (!parsed || *parsed == 0 || *parsed > Persist::maximum_kept_generations)
                return usage_error("--keep must be a number of generations from 1 to 64.");
            keep = static_cast<u32>(*parsed);
        } else {
            return usage_error(("unknown option " + arguments[i] + " for format.").c_str());
        }
    }
    return format_image(arguments[0], size, keep);
}

int main(int argc, char** argv)
{
    if (argc < 2)
        return usage_error("no command given.");
    std::string command = argv[1];
    std::vector<std::string> arguments(argv + 2, argv + argc);
    if (command == "help" || command == "--help" || command == "-h") {
        std::fputs(usage_text, stdout);
        return Success;
    }
    if (command == "format")
        return run_format(arguments);
    if (command == "info" || command == "generations" || command == "check") {
        if (arguments.size() != 1)
            return usage_error((command + " takes exactly one argument: the image.").c_str());
        if (command == "info")
            return show_info(arguments[0]);
        if (command == "generations")
            return show_generations(arguments[0]);
        return check_image(arguments[0]);
    }
    if (command == "diff") {
        if (arguments.size() != 3)
            return usage_error("diff takes the image and two generation numbers.");
        auto first = parse_number(arguments[1]);
        auto second = parse_number(arguments[2]);
        if (!first || !second)
            return usage_error(
                "diff: generations are non-negative numbers (see `phantom-disk generations`).");
        return diff_generations(arguments[0], *first, *second);
    }
    return usage_error(("unknown command '" + command + "'.").c_str());
}
