/*
 * tools/phantom-disk/DiskCommands.h: the subcommands of phantom-disk. Each prints its
 * result on stdout, its complaints on stderr, and returns the process exit status
 * (ExitStatus below).
 */
#pragma once

#include <base/Types.h>

#include <string>

namespace PhantomDisk {

enum ExitStatus : int {
    Success = 0,
    DamageFound = 1,
    UsageOrOpenError = 2,
};

int format_image(std::string const& path, u64 size_bytes, u32 kept_generations);
int show_info(std::string const& path);
int show_generations(std::string const& path);
int check_image(std::string const& path);
int diff_generations(std::string const& path, u64 first, u64 second);

} // namespace PhantomDisk
