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

} // namespace

void initialize_kernel_log()
{
    s_com1.initialize();
    s_vga.clear();
}

void write_to_serial(StringView text) { s_com1.write(text); }

} // namespace Kernel

void Base::log_write_line(StringView line_without_newline)
{
    Kernel::Interrupts::InterruptsDisabled interrupts_disabled;
    Kernel::s_com1.write(line_without_newline);
    Kernel::s_com1.write("\r\n"sv);
    Kernel::s_vga.write_line(line_without_newline);
}
