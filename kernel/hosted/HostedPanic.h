/*
 * The hosted port's panic report: a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP)
 * is reported in the same format as a CPU exception in kernel/pc (see docs/serial-log.md),
 * with registers and a backtrace named through dladdr() and the C++ demangler.
 */
#pragma once

namespace Hosted {

enum class PanicExit {
    Abort,       // Normal run: re-raise the signal so the process dies as usual.
    TestVerdict, // Test mode: exit with status 3, the hosted "panic" verdict.
};

// Installs the handlers on an alternate stack, so that a stack overflow is reported too.
void install_panic_handlers(PanicExit);

} // namespace Hosted
