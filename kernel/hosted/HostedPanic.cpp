/*
 * Fatal-signal reporting for the hosted port. The report is written with Base::logln, which
 * formats into a stack buffer and issues one write() per line; the symbol lookups are not
 * async-signal-safe, which is acceptable because the process never continues after them.
 */
#include <kernel/hosted/HostedPanic.h>

#include <base/Log.h>

#include <cxxabi.h>
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <ucontext.h>
#include <unistd.h>

namespace Hosted {

static PanicExit s_panic_exit = PanicExit::Abort;
static FaultInterceptor s_fault_interceptor = nullptr;
static bool s_handlers_installed = false;
// A fault inside the interceptor itself is reported instead of being intercepted again.
static thread_local bool t_intercepting = false;

static char const* signal_name(int signal_number)
{
    switch (signal_number) {
    case SIGSEGV:
        return "SIGSEGV (page fault)";
    case SIGBUS:
        return "SIGBUS (bus error)";
    case SIGILL:
        return "SIGILL (invalid opcode)";
    case SIGFPE:
        return "SIGFPE (divide error)";
    case SIGTRAP:
        return "SIGTRAP (breakpoint)";
    default:
        return "fatal signal";
    }
}

struct Symbol {
    char const* name {nullptr};
    unsigned long offset {0};
    char* demangled {nullptr};
};

static Symbol symbolize(unsigned long address)
{
    Symbol symbol;
    Dl_info info {};
    if (dladdr(reinterpret_cast<void*>(address), &info) == 0 || !info.dli_sname)
        return symbol;
    int status = -1;
    symbol.demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
    symbol.name = status == 0 ? symbol.demangled : info.dli_sname;
    symbol.offset = address - reinterpret_cast<unsigned long>(info.dli_saddr);
    return symbol;
}

static void log_frame(unsigned index, unsigned long address)
{
    Symbol symbol = symbolize(address);
    if (symbol.name)
        logln("  #{} {:#018x} {}+{:#x}", index, address, symbol.name, symbol.offset);
    else
        logln("  #{} {:#018x} <unknown>", index, address);
    free(symbol.demangled);
}

// Frame pointers are only followed while they stay inside this thread's stack and move
// upwards, so a corrupt chain ends the backtrace instead of faulting again.
static void log_backtrace(unsigned long rip, unsigned long rbp)
{
    logln("backtrace:");
    log_frame(0, rip);
    unsigned long stack_low = rbp;
    for (unsigned index = 1; index < 32 && rbp != 0 && (rbp & 7) == 0; ++index) {
        if (rbp < stack_low || rbp - stack_low > 8 * 1024 * 1024)
            break;
        auto* frame = reinterpret_cast<unsigned long*>(rbp);
        unsigned long return_address = frame[1];
        if (return_address == 0)
            break;
        log_frame(index, return_address - 1);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

static void handle_fatal_signal(int signal_number, siginfo_t* info, void* context_pointer)
{
    if ((signal_number == SIGSEGV || signal_number == SIGBUS) && s_fault_interceptor && !t_intercepting) {
        t_intercepting = true;
        bool resolved = s_fault_interceptor(info, context_pointer);
        t_intercepting = false;
        if (resolved)
            return;
    }
    auto* context = static_cast<ucontext_t*>(context_pointer);
    auto const* registers = context->uc_mcontext.gregs;
    auto reg = [&](int index) { return static_cast<unsigned long>(registers[index]); };

    logln("PANIC: signal {} {} address={:#x}", signal_number, signal_name(signal_number),
        reinterpret_cast<unsigned long>(info->si_addr));
    Symbol at = symbolize(reg(REG_RIP));
    if (at.name)
        logln("  rip={:#018x} <{}+{:#x}>", reg(REG_RIP), at.name, at.offset);
    else
        logln("  rip={:#018x} <unknown>", reg(REG_RIP));
    free(at.demangled);
    logln("  rax={:#018x} rbx={:#018x} rcx={:#018x} rdx={:#018x}", reg(REG_RAX), reg(REG_RBX), reg(REG_RCX),
        reg(REG_RDX));
    logln("  rsi={:#018x} rdi={:#018x} rbp={:#018x} rsp={:#018x}", reg(REG_RSI), reg(REG_RDI), reg(REG_RBP),
        reg(REG_RSP));
    logln("  r8={:#018x} r9={:#018x} r10={:#018x} r11={:#018x}", reg(REG_R8), reg(REG_R9), reg(REG_R10),
        reg(REG_R11));
    logln("  r12={:#018x} r13={:#018x} r14={:#018x} r15={:#018x}", reg(REG_R12), reg(REG_R13), reg(REG_R14),
        reg(REG_R15));
    logln("  rflags={:#x}", reg(REG_EFL));
    log_backtrace(reg(REG_RIP), reg(REG_RBP));
    logln("PANIC end");

    if (s_panic_exit == PanicExit::TestVerdict)
        _exit(3);
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

void install_panic_handlers(PanicExit exit_mode)
{
    s_panic_exit = exit_mode;
    static char alternate_stack[64 * 1024];
    stack_t stack {};
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof(alternate_stack);
    sigaltstack(&stack, nullptr);

    struct sigaction action { };
    action.sa_sigaction = handle_fatal_signal;
    // No SA_RESETHAND: an intercepted fault returns and must find the handler again (the
    // report restores the default action itself). SA_NODEFER lets a fault inside the
    // interceptor reach the report instead of killing the process silently.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    int const fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    for (int signal_number : fatal_signals)
        sigaction(signal_number, &action, nullptr);
    s_handlers_installed = true;
}

void set_fault_interceptor(FaultInterceptor interceptor)
{
    s_fault_interceptor = interceptor;
    if (!s_handlers_installed)
        install_panic_handlers(s_panic_exit);
}

} // namespace Hosted
