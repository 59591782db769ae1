/*
 * base/Log.h: logln(), Phantom's one logging call.
 *
 *     Base::logln("mapped {} pages at {:#x}", count, address);
 *
 * prints "phantom: mapped 3 pages at 0x1000". The line is formatted into a fixed stack
 * buffer (no allocation, usable while panicking) and handed to log_write_line(), which the
 * port defines: the kernel writes COM1 and the VGA console, host programs write stderr.
 */
#pragma once

#include <base/Format.h>
#include <base/StringView.h>

namespace Base {

// Defined by the port: writes one complete line; the newline is the port's business.
void log_write_line(StringView line_without_newline);

// Longer lines are cut and end in "...".
inline constexpr usize max_log_line_length = 512;
inline constexpr StringView log_line_prefix = "phantom: "sv;

template<typename... Ts> void logln(CheckedFormatString<Ts...> format, Ts const&... arguments)
{
    FixedStringBuilder<max_log_line_length> line;
    line.write(log_line_prefix);
    Detail::format_to_sink(line, format.view(), arguments...);
    line.mark_truncation("..."sv);
    log_write_line(line.string_view());
}

} // namespace Base

using Base::logln;
