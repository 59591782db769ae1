/*
 * kernel/pc/Panic.h: the kernel's last words. A panic logs a report on COM1 and the VGA
 * console in a stable format (tests grep it; docs/ and the kernel contract describe it):
 *
 *     phantom: PANIC: CPU exception 14 (page fault) error=0x2 on cpu 0
 *     phantom:   rip=0xffffffff80101234 <Kernel::Tests::deliberate_page_fault()+0x14>
 *     phantom:   cr2=0x... cr3=0x...
 *     phantom:   rax=0x... rbx=0x... rcx=0x... rdx=0x...      (all registers)
 *     phantom: backtrace:
 *     phantom:   #0 0xffffffff80101234 Kernel::Tests::deliberate_page_fault()+0x14
 *     phantom:   #1 0x... Kernel::run_test(Base::StringView)+0x..
 *     phantom: PANIC end
 *
 * then either halts the processor forever or, in test mode, exits QEMU with status 37.
 */
#pragma once

#include <base/StringView.h>
#include <kernel/pc/cpu/InterruptFrame.h>

namespace Kernel {

enum class PanicAction {
    HaltForever,
    ExitEmulator, // test mode: isa-debug-exit with EmulatorExitCode::Panic, then halt
};

void set_panic_action(PanicAction);

// The report for a CPU exception, from the registers the exception stub saved.
[[noreturn]] void panic_on_cpu_exception(InterruptFrame const&);

// Any other panic: "PANIC: <reason>", then the caller's registers and backtrace.
[[noreturn]] void panic(StringView reason);

} // namespace Kernel
