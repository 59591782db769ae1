/*
 * kernel/pc/KernelLog.h: where kernel log lines go: COM1 (each line + "\r\n") and the VGA
 * text console. Base::logln() reaches them through Base::log_write_line(), defined here.
 * The world's console (world/PcWorld.cpp) writes to COM1 through here too.
 */
#pragma once

#include <base/StringView.h>

namespace Kernel {

// Programs COM1 and clears the VGA screen; logging works before this, just less tidily.
void initialize_kernel_log();

// Writes raw text to COM1 only (no prefix, no newline): for the last words of a panic
// that happens while the log itself is busy.
void write_to_serial(StringView);

// The world's console output on COM1, which it shares with the log: the text is written at
// once and whole (LF becomes CR LF), never inside a log line; a log line that arrives while
// the console's last line is unfinished (a prompt) starts on a line of its own.
void write_console_text(StringView);

} // namespace Kernel
