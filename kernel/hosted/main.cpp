/*
 * phantom-hosted: the OS essence as one Linux process. At this stage it brings up base/,
 * prints the same banner and `ready in` line as the kernel, and runs the same `test=NAME`
 * scenarios (docs/serial-log.md). Arguments use the kernel's command-line syntax, so a
 * scenario is started the same way on both ports: `phantom-hosted test=base`.
 */
#include <kernel/hosted/HostedDevices.h>
#include <kernel/hosted/HostedPanic.h>
#include <kernel/hosted/HostedScreen.h>
#include <kernel/persist/PersistentAddressSpace.h>

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

// test=ledger: a ledger of transfers between accounts in the persistent address space (the
// sum is constant) plus a monotonic counter, run until the process is killed. At start it
// checks what the last snapshot left: `ledger: resumed counter=<c> sum=<s>`, or fails. It
// takes a snapshot itself every 512 transfers and logs `ledger: committed gen=<g>
// counter=<c>` (the cut is exactly that counter); the periodic thread snapshots in between.
struct Ledger {
    static constexpr u64 magic_value = 0x5245474445'4C5048ull;
    static constexpr u64 account_count = 4096;
    static constexpr u64 initial_balance = 1000;
    u64 magic;
    u64 counter;
    u64 accounts[account_count];
};

[[gnu::noinline]] bool run_ledger(u64 snapshot_interval_ms)
{
    auto device = Hal::system_block_device();
    if (device.is_error()) {
        logln("ledger: {}", device.error());
        return false;
    }
    Hal::ThreadGroup mutators;
    Persist::AddressSpaceOptions options;
    options.mutators = &mutators;
    options.snapshot_interval_ns = snapshot_interval_ms * Hal::nanoseconds_per_millisecond;
    auto opened = Persist::PersistentAddressSpace::open(*device.value(), options);
    if (opened.is_error()) {
        logln("ledger: cannot open the persistent address space: {}", opened.error());
        return false;
    }
    auto space = opened.release_value();
    struct Context {
        Persist::PersistentAddressSpace* space;
        bool ok;
    } context {space.ptr(), false};

    auto mutator = [](void* argument) {
        auto& context = *static_cast<Context*>(argument);
        auto& ledger = *context.space->at<Ledger>(0);
        if (ledger.magic == Ledger::magic_value) {
            u64 sum = 0;
            for (u64 balance : ledger.accounts)
                sum += balance;
            logln("ledger: resumed counter={} sum={}", ledger.counter, sum);
            if (sum != Ledger::account_count * Ledger::initial_balance) {
                logln("ledger: invariant broken: the sum is {}", sum);
                return;
            }
        } else {
            for (auto& balance : ledger.accounts)
                balance = Ledger::initial_balance;
            ledger.counter = 0;
            ledger.magic = Ledger::magic_value;
            logln("ledger: new counter=0 sum={}", Ledger::account_count * Ledger::initial_balance);
        }
        logln("ledger: running");
        u64 random = ledger.counter * 0x9E3779B97F4A7C15ull + 1;
        for (;;) {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            u64 from = random % Ledger::account_count;
            u64 to = (random >> 20) % Ledger::account_count;
            u64 amount = (random >> 40) % 100;
            if (ledger.accounts[from] >= amount) {
                ledger.accounts[from] -= amount;
                ledger.accounts[to] += amount;
            }
            ++ledger.counter;
            if (ledger.counter % 512 == 0) {
                auto info = context.space->snapshot();
                if (!info.is_error())
                    logln("ledger: committed gen={} counter={}", info.value().generation, ledger.counter);
            }
            Hal::safepoint();
        }
    };
    Hal::ThreadOptions thread_options;
    thread_options.name = "ledger"sv;
    thread_options.group = &mutators;
    auto thread = Hal::create_thread(mutator, &context, thread_options);
    if (thread.is_error()) {
        logln("ledger: {}", thread.error());
        return false;
    }
    // The mutator runs until the process is killed; it returns only when the check failed.
    Hal::join_thread(thread.value());
    return context.ok;
}

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

// The snapshot interval for test=ledger (`snapshot_ms=N`).
u64 s_snapshot_interval_ms = 20;

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
        return Hosted::Tests::run_ledger(s_snapshot_interval_ms) ? Verdict::Pass : Verdict::Fail;
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
        } else if (argument.starts_with("snapshot_ms="sv)
            && argument.substring_view(12, argument.length() - 12).to_uint<u64>().has_value()) {
            s_snapshot_interval_ms = *argument.substring_view(12, argument.length() - 12).to_uint<u64>();
        } else if (!Hosted::configure_device_argument(argument)
            && !Hosted::configure_screen_argument(argument)) {
            logln("usage: phantom-hosted [test=NAME] [disk=PATH] [snapshot_ms=N] [channel.NAME=PATH] "
                  "[screen=WxH]; tests: {}",
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
