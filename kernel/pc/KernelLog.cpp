/*
 * kernel/pc/KernelLog.cpp: the kernel's log sinks. One processor: a line is written with
 * interrupts disabled, so a line logged by an interrupt handler or by a preempting thread
 * never lands inside another (FIXME: a spinlock as well once more processors run).
 */
#include <base/Log.h>
#include <kernel/pc/KernelLog.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/drivers/Serial16550.h>
#include <kernel/pc/drivers/VgaTextConsole.h>

namespace Kernel {

namespace {

    constinit Serial16550 s_com1 {Serial16550::com1};
    constinit VgaTextConsole s_vga;
    // Whether the console's last text on COM1 ended without a line feed.
    constinit bool s_console_line_open = false;

} // namespace

void initialize_kernel_log()
{
    s_com1.initialize();
    s_vga.clear();
}

void write_to_serial(StringView text) { s_com1.write(text); }

void write_console_text(StringView text)
{
    if (text.is_empty())
        return;
    Interrupts::InterruptsDisabled interrupts_disabled;
    usize start = 0;
    for (usize i = 0; i < text.length(); ++i) {
        if (text[i] != '\n')
            continue;
        // A line feed the text already precedes with a carriage return stays as it is.
        if (i > 0 && text[i - 1] == '\r')
            continue;
        s_com1.write(text.substring_view(start, i - start));
        s_com1.write("\r\n"sv);
        start = i + 1;
    }
    s_com1.write(text.substring_view(start));
    s_console_line_open = text[text.length() - 1] != '\n';
}

} // namespace Kernel

void Base::log_write_line(StringView line_without_newline)
{
    Kernel::Interrupts::InterruptsDisabled interrupts_disabled;
    if (Kernel::s_console_line_open) {
        Kernel::s_com1.write("\r\n"sv);
        Kernel::s_console_line_open = false;
    }
    Kernel::s_com1.write(line_without_newline);
    Kernel::s_com1.write("\r\n"sv);
    Kernel::s_vga.write_line(line_without_newline);
}
