/*
 * phantom-hosted: the OS essence as one Linux process. At this stage it brings up base/,
 * prints the same banner and `ready in` line as the kernel, and runs the same `test=NAME`
 * scenarios (docs/serial-log.md). Arguments use the kernel's command-line syntax, so a
 * scenario is started the same way on both ports: `phantom-hosted test=base`.
 */
#include <kernel/hosted/HostedDevices.h>
#include <kernel/hosted/HostedPanic.h>
#include <kernel/hosted/HostedScreen.h>

#include <base/Log.h>
#include <base/SelfTest.h>
#include <base/StringView.h>
#include <base/Version.h>

#include <signal.h>
#include <time.h>
#include <unistd.h>

namespace Hosted::Tests {

// Each function is a separate, non-inlined frame so that the panic report can name it.
[[gnu::noinline]] void deliberate_page_fault()
{
    auto* volatile unmapped = reinterpret_cast<unsigned long*>(0xdead000);
    *unmapped = 0x5a5a;
}

[[gnu::noinline]] int deliberate_divide_error(int divisor)
{
    int result;
    asm volatile("cltd; idivl %2" : "=a"(result) : "a"(1), "r"(divisor) : "edx");
    return result;
}

[[gnu::noinline]] void deliberate_breakpoint() { asm volatile("int3"); }

// A privileged instruction in user mode raises #GP, which Linux delivers as SIGSEGV.
[[gnu::noinline]] void deliberate_general_protection() { asm volatile("hlt"); }

} // namespace Hosted::Tests

namespace Hosted {

// Exit statuses of phantom-hosted (docs/serial-log.md); a panic in test mode exits with 3.
enum class Verdict {
    Pass = 0,
    Fail = 1,
    Usage = 2,
};

} // namespace Hosted

using Hosted::Verdict;

namespace {

constexpr StringView s_test_names = "ready base page_fault divide_error breakpoint general_protection"sv;

u64 monotonic_nanoseconds()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<u64>(now.tv_sec) * 1'000'000'000 + static_cast<u64>(now.tv_nsec);
}

} // namespace

namespace Hosted {

// Not static and not inlined: the panic backtrace names it through dladdr().
[[gnu::noinline]] Verdict run_test(StringView name)
{
    logln("test {}: start", name);
    if (name == "ready"sv)
        return Verdict::Pass;
    if (name == "base"sv) {
        if (auto result = Base::run_self_test(); result.is_error()) {
            logln("test base: {}", result.error());
            return Verdict::Fail;
        }
        return Verdict::Pass;
    }
    if (name == "page_fault"sv)
        Hosted::Tests::deliberate_page_fault();
    else if (name == "divide_error"sv)
        Hosted::Tests::deliberate_divide_error(0);
    else if (name == "breakpoint"sv)
        Hosted::Tests::deliberate_breakpoint();
    else if (name == "general_protection"sv)
        Hosted::Tests::deliberate_general_protection();
    else {
        logln("unknown test '{}'; known tests: {}", name, s_test_names);
        return Verdict::Fail;
    }
    logln("test {}: the deliberate fault did not happen", name);
    return Verdict::Fail;
}

} // namespace Hosted

namespace {

volatile sig_atomic_t s_stop_requested = 0;

void request_stop(int) { s_stop_requested = 1; }

} // namespace

int main(int argc, char** argv)
{
    u64 const entry_time = monotonic_nanoseconds();

    StringView test_name;
    for (int index = 1; index < argc; ++index) {
        StringView argument {argv[index], __builtin_strlen(argv[index])};
        if (argument.starts_with("test="sv)) {
            test_name = argument.substring_view(5, argument.length() - 5);
        } else if (!Hosted::configure_device_argument(argument)
            && !Hosted::configure_screen_argument(argument)) {
            logln("usage: phantom-hosted [test=NAME] [disk=PATH] [channel.NAME=PATH] [screen=WxH]; tests: {}",
                s_test_names);
            return static_cast<int>(Verdict::Usage);
        }
    }

    Hosted::install_panic_handlers(
        test_name.is_empty() ? Hosted::PanicExit::Abort : Hosted::PanicExit::TestVerdict);
    Base::log_banner("hosted linux x86-64"sv);
    logln("ready in {} ms", (monotonic_nanoseconds() - entry_time) / 1'000'000);

    if (!test_name.is_empty()) {
        Verdict verdict = Hosted::run_test(test_name);
        logln("test {}: {}", test_name, verdict == Verdict::Pass ? "pass" : "fail");
        return static_cast<int>(verdict);
    }

    // Nothing runs in the hosted world yet; stay up like the kernel does until stopped.
    signal(SIGINT, request_stop);
    signal(SIGTERM, request_stop);
    while (!s_stop_requested)
        pause();
    logln("stopping");
    return 0;
}
