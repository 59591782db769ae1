/*
 * kernel/pc/threads/ThreadTests.cpp: the tests of ThreadTests.h. The thread scenarios
 * themselves are portable and shared with the hosted port (tests/scenarios/); what stays here
 * needs the pc port: timers and the host-timed sleep, the RTC, IRQ routing, guard pages.
 */
#include <base/Log.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/threads/ThreadTests.h>
#include <tests/scenarios/ThreadScenarios.h>

namespace Kernel::ThreadTests {

namespace {

    constexpr u64 millisecond = Hal::nanoseconds_per_millisecond;

    bool check(bool condition, StringView what)
    {
        if (!condition)
            logln("test: check failed: {}", what);
        return condition;
    }

    void count_tick(void* context)
    {
        auto* ticks = static_cast<u32 volatile*>(context);
        *ticks = *ticks + 1;
    }

    struct InterruptCounter {
        Hal::Event event;
        u32 volatile count {0};
    };

    u8 read_cmos(u8 index)
    {
        Cpu::out8(0x70, index);
        return Cpu::in8(0x71);
    }

    void write_cmos(u8 index, u8 value)
    {
        Cpu::out8(0x70, index);
        Cpu::out8(0x71, value);
    }

    void on_rtc_interrupt(void* context)
    {
        (void)read_cmos(0x0C); // acknowledges the RTC's interrupt; it raises no more until read
        auto& counter = *static_cast<InterruptCounter*>(context);
        counter.count = counter.count + 1;
        counter.event.signal();
    }

    void on_self_interrupt(void* context)
    {
        auto& counter = *static_cast<InterruptCounter*>(context);
        counter.count = counter.count + 1;
        counter.event.signal();
    }

    // Always true; read through volatile so the compiler sees a way out of the recursion.
    bool volatile s_keep_recursing = true;

    [[gnu::noinline]] u64 recurse_forever(u64 depth)
    {
        u8 volatile frame[256];
        frame[0] = static_cast<u8>(depth);
        if (!s_keep_recursing)
            return depth;
        return recurse_forever(depth + 1) + frame[0];
    }

    void overflow_the_stack(void*) { (void)recurse_forever(0); }

} // namespace

TestVerdict sleep()
{
    // A periodic timer first: 5 ticks of 10 ms.
    u32 volatile ticks = 0;
    {
        Hal::Timer timer;
        timer.start_periodic(10 * millisecond, count_tick, const_cast<u32*>(&ticks));
        u64 give_up = Hal::monotonic_nanoseconds() + 5000 * millisecond;
        while (ticks < 5 && Hal::monotonic_nanoseconds() < give_up)
            Hal::sleep_for(millisecond);
        timer.cancel();
    }
    bool ok = check(ticks >= 5, "a periodic timer ticks"sv);

    logln("sleep: start");
    u64 start = Hal::monotonic_nanoseconds();
    Hal::sleep_for(100 * millisecond);
    u64 slept = Hal::monotonic_nanoseconds() - start;
    logln("sleep: end");
    logln("sleep: 100 ms requested, {} us by the monotonic clock", slept / 1000);
    ok &= check(slept >= 100 * millisecond, "sleep_for lasts at least its duration"sv);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

// The thread scenarios are shared with the hosted port (tests/scenarios/ThreadScenarios.h).
TestVerdict threads()
{
    return Scenarios::mutex_counter(3).is_error() ? TestVerdict::Fail : TestVerdict::Pass;
}

TestVerdict condition()
{
    return Scenarios::condition_ping_pong().is_error() ? TestVerdict::Fail : TestVerdict::Pass;
}

TestVerdict safepoint()
{
    return Scenarios::safepoint_group().is_error() ? TestVerdict::Fail : TestVerdict::Pass;
}

TestVerdict rtc()
{
    auto now = Hal::current_date_time();
    logln("rtc: {}-{}-{} {}:{}:{} UTC", now.year, now.month, now.day, now.hour, now.minute, now.second);
    bool ok = check(now.year >= 2024 && now.year < 2200, "the year is plausible"sv);
    ok &= check(
        now.month >= 1 && now.month <= 12 && now.day >= 1 && now.day <= 31, "month and day are valid"sv);
    ok &= check(now.hour < 24 && now.minute < 60 && now.second < 60, "the time of day is valid"sv);
    auto round_trip = Hal::date_time_from_unix_seconds(Hal::unix_seconds_from_date_time(now));
    ok &= check(round_trip.year == now.year && round_trip.month == now.month && round_trip.day == now.day
            && round_trip.second == now.second,
        "calendar conversion round-trips"sv);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict interrupts()
{
    bool ok = true;
    // RTC periodic interrupt at 64 Hz (rate 10) on ISA IRQ 8.
    InterruptCounter rtc_counter;
    auto routed = Interrupts::route_isa_irq(8, on_rtc_interrupt, &rtc_counter);
    ok &= check(!routed.is_error(), "route_isa_irq(8)"sv);
    {
        Interrupts::InterruptsDisabled guard;
        write_cmos(0x8A, static_cast<u8>((read_cmos(0x8A) & 0xF0) | 10));
        write_cmos(0x8B, static_cast<u8>(read_cmos(0x8B) | 0x40));
        (void)read_cmos(0x0C);
    }
    u64 deadline = Hal::monotonic_nanoseconds() + 5000 * millisecond;
    u32 wakeups = 0;
    while (wakeups < 10 && rtc_counter.event.wait(deadline))
        ++wakeups;
    {
        Interrupts::InterruptsDisabled guard;
        write_cmos(0x8B, static_cast<u8>(read_cmos(0x8B) & ~0x40));
    }
    logln("interrupts: {} rtc interrupts (irq 8), {} event wake-ups", static_cast<u32>(rtc_counter.count),
        wakeups);
    ok &= check(wakeups == 10, "ten RTC interrupts woke the waiting thread"sv);

    // An allocated vector (as for MSI), raised by a self-IPI through the local APIC.
    InterruptCounter self_counter;
    auto vector = Interrupts::allocate_vector(on_self_interrupt, &self_counter);
    ok &= check(!vector.is_error(), "allocate_vector"sv);
    if (!vector.is_error()) {
        ok &= check(Interrupts::msi_data(vector.value()) == vector.value()
                && (Interrupts::msi_address() & 0xFFF0'0000) == 0xFEE0'0000,
            "msi address and data"sv);
        constexpr u32 interrupt_command_low = 0x300;
        constexpr u32 destination_self = 1 << 18;
        Interrupts::write_local_apic(interrupt_command_low, destination_self | vector.value());
        ok &= check(self_counter.event.wait(Hal::monotonic_nanoseconds() + 5000 * millisecond),
            "self-IPI on the allocated vector"sv);
        logln("interrupts: self-ipi on allocated vector {} handled", vector.value());
    }
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict thread_stack_overflow()
{
    Hal::ThreadOptions options;
    options.name = "overflow"sv;
    options.stack_size = 16 * 1024;
    auto* thread = MUST(Hal::create_thread(overflow_the_stack, nullptr, options));
    Hal::join_thread(thread);
    logln("thread_stack_overflow: the thread came back");
    return TestVerdict::Fail;
}

} // namespace Kernel::ThreadTests
