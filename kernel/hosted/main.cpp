/*
 * phantom-hosted: the OS essence as one Linux process. It brings up base/, prints the same
 * banner and `ready in` line as the kernel, and runs the same `test=NAME` scenarios
 * (docs/serial-log.md), or a world: `phantom-hosted disk=IMAGE world=PROGRAM.ph [fresh]
 * [commit_output=1] [snapshot_ms=N]` (kernel/hosted/HostedWorld.h). Arguments use the
 * kernel's command-line syntax, so a scenario is started the same way on both ports:
 * `phantom-hosted test=base`.
 */
#include <kernel/hosted/HostedDesktop.h>
#include <kernel/hosted/HostedDevices.h>
#include <kernel/hosted/HostedPanic.h>
#include <kernel/hosted/HostedScreen.h>
#include <kernel/hosted/HostedWorld.h>
#include <tests/scenarios/LedgerScenario.h>

#include <base/Log.h>
#include <base/Optional.h>
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

constexpr StringView s_test_names
    = "ready base page_fault divide_error breakpoint general_protection ledger"sv;

// test=ledger (tests/scenarios/LedgerScenario.h): `snapshot_ms=N` sets the snapshot interval,
// `ledger_stop=N` ends the run after N transfers with an orderly shutdown, `ledger_writer=1`
// adds the background writer (copy-on-write).
Scenarios::LedgerOptions s_ledger_options;

Hosted::Verdict run_ledger()
{
    auto device = Hal::system_block_device();
    if (device.is_error()) {
        logln("ledger: {}", device.error());
        return Hosted::Verdict::Fail;
    }
    if (auto result = Scenarios::run_ledger(*device.value(), s_ledger_options); result.is_error()) {
        logln("ledger: {}", result.error());
        return Hosted::Verdict::Fail;
    }
    return Hosted::Verdict::Pass;
}

// The u64 of a `key=N` argument, or nothing when the argument is another one.
Optional<u64> numeric_argument(StringView argument, StringView key)
{
    if (!argument.starts_with(key) || argument.length() <= key.length())
        return {};
    return argument.substring_view(key.length(), argument.length() - key.length()).to_uint<u64>();
}

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
    else if (name == "ledger"sv)
        return run_ledger();
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
    Hosted::WorldArguments world;
    bool window = false; // window=1: the world's screen in a Qt window (HostedDesktop.h)
    for (int index = 1; index < argc; ++index) {
        StringView argument {argv[index], __builtin_strlen(argv[index])};
        if (argument.starts_with("test="sv)) {
            test_name = argument.substring_view(5, argument.length() - 5);
        } else if (auto interval = numeric_argument(argument, "snapshot_ms="sv); interval.has_value()) {
            s_ledger_options.snapshot_interval_ms = *interval;
            world.has_snapshot_interval = true;
            world.snapshot_interval_ms = *interval;
        } else if (argument.starts_with("world="sv)) {
            world.program_path = argument.substring_view(6, argument.length() - 6);
        } else if (argument == "window=1"sv) {
            window = true;
        } else if (argument == "fresh"sv) {
            world.fresh = true;
        } else if (argument == "commit_output=1"sv) {
            world.commit_output = true;
        } else if (auto stop = numeric_argument(argument, "ledger_stop="sv); stop.has_value()) {
            s_ledger_options.stop_after = *stop;
        } else if (argument == "ledger_writer=1"sv) {
            s_ledger_options.background_writer = true;
        } else if (!Hosted::configure_device_argument(argument)
            && !Hosted::configure_screen_argument(argument)) {
            logln("usage: phantom-hosted [test=NAME] [disk=PATH] [world=PROGRAM.ph] [fresh] "
                  "[commit_output=1] [snapshot_ms=N] [window=1] [ledger_stop=N] [ledger_writer=1] "
                  "[channel.NAME=PATH] [screen=WxH]; tests: {}",
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

    if (!world.program_path.is_empty())
        world.window = window;
    return window ? Hosted::run_world_in_window(world, argc, argv) : Hosted::run_world(world);

    // No world to run: stay up like the kernel does until stopped.
    signal(SIGINT, request_stop);
    signal(SIGTERM, request_stop);
    while (!s_stop_requested)
        pause();
    logln("stopping");
    return 0;
}
