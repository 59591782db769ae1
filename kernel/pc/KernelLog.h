/*
 * kernel/pc/KernelLog.h: where kernel log lines go: COM1 (each line + "\r\n") and the VGA
 * text console. Base::logln() reaches them through Base::log_write_line(), defined here.
 */
#pragma once

#include <base/StringView.h>

namespace Kernel {

// Programs COM1 and clears the VGA screen; logging works before this, just less tidily.
void initialize_kernel_log();

// Writes raw text to COM1 only (no prefix, no newline): for the last words of a panic
// that happens while the log itself is busy.
void write_to_serial(StringView);

} // namespace Kernel
