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

// Asked first about every SIGSEGV and SIGBUS (with the handler's siginfo_t* and ucontext_t*);
// true means the fault was resolved and the faulting instruction is retried, false goes on to
// the panic report. The memory HAL (HostedMemory.cpp) uses it for dirty tracking and the fault
// hook. Installs the panic handlers (PanicExit::Abort) if they are not installed yet.
using FaultInterceptor = bool (*)(void* signal_information, void* user_context);
void set_fault_interceptor(FaultInterceptor);

} // namespace Hosted
