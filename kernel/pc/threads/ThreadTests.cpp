/*
 * kernel/pc/threads/ThreadTests.cpp: the tests of ThreadTests.h, written against the HAL only
 * (kernel/hal/Threads.h, Time.h), so the hosted Qt tests can mirror them.
 */
#include <base/Log.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/threads/ThreadTests.h>

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

    struct SharedCounter {
        Hal::Mutex mutex;
        u64 value {0};
        u64 turns {0}; // how often the incrementing thread changed
        int last_thread {-1};
    };

    struct Worker {
        SharedCounter* shared;
        int index;
        u64 increments;
    };

    void increment_many(void* argument)
    {
        auto& worker = *static_cast<Worker*>(argument);
        auto& shared = *worker.shared;
        for (u64 i = 1; i <= worker.increments; ++i) {
            {
                Hal::MutexLocker locker(shared.mutex);
                // Read, then write after a moment: without the mutex, preemption loses updates.
                u64 value = shared.value;
                asm volatile("" ::: "memory");
                shared.value = value + 1;
                if (shared.last_thread != worker.index) {
                    ++shared.turns;
                    shared.last_thread = worker.index;
                }
            }
            if (i % 100'000 == 0)
                logln("threads: worker {} at {}", worker.index, i);
        }
    }

    struct PingPong {
        Hal::Mutex mutex;
        Hal::ConditionVariable changed;
        u32 ball {0}; // even: the ping thread's turn; odd: the pong thread's
        u32 rounds {0};
    };

    struct Player {
        PingPong* game;
        u32 parity;
    };

    void play(void* argument)
    {
        auto& player = *static_cast<Player*>(argument);
        auto& game = *player.game;
        Hal::MutexLocker locker(game.mutex);
        for (u32 i = 0; i < game.rounds; ++i) {
            while (game.ball % 2 != player.parity)
                game.changed.wait(game.mutex);
            ++game.ball;
            game.changed.broadcast();
        }
    }

    struct GroupWorkload {
        u64 volatile progress[3] {};
        bool volatile finish {false};
        Hal::Event event;
    };

    struct GroupWorker {
        GroupWorkload* workload;
        int index;
    };

    void group_worker(void* argument)
    {
        auto& worker = *static_cast<GroupWorker*>(argument);
        auto& workload = *worker.workload;
        while (!workload.finish) {
            if (worker.index == 1)
                Hal::sleep_for(millisecond);
            else if (worker.index == 2)
                (void)workload.event.wait(Hal::monotonic_nanoseconds() + 5 * millisecond);
            workload.progress[worker.index] = workload.progress[worker.index] + 1;
            Hal::safepoint();
        }
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

TestVerdict threads()
{
    SharedCounter shared;
    Worker workers[2] = {{&shared, 0, 500'000}, {&shared, 1, 500'000}};
    Hal::Thread* threads[2] {};
    u64 start = Hal::monotonic_nanoseconds();
    for (int i = 0; i < 2; ++i) {
        Hal::ThreadOptions options;
        options.name = i == 0 ? "worker-0"sv : "worker-1"sv;
        auto thread = Hal::create_thread(increment_many, &workers[i], options);
        if (thread.is_error()) {
            logln("test threads: {}", thread.error());
            return TestVerdict::Fail;
        }
        threads[i] = thread.value();
    }
    for (auto* thread : threads)
        Hal::join_thread(thread);
    u64 elapsed = Hal::monotonic_nanoseconds() - start;
    logln("threads: counter {} after {} ms; the incrementing thread changed {} times", shared.value,
        elapsed / millisecond, shared.turns);
    bool ok = check(shared.value == 1'000'000, "no lost updates over 10^6 increments"sv);
    ok &= check(shared.turns >= 3, "the two threads took turns (preemption)"sv);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict condition()
{
    PingPong game;
    game.rounds = 1000;
    Player players[2] = {{&game, 0}, {&game, 1}};
    Hal::Thread* threads[2] {};
    for (int i = 0; i < 2; ++i) {
        Hal::ThreadOptions options;
        options.name = i == 0 ? "ping"sv : "pong"sv;
        threads[i] = MUST(Hal::create_thread(play, &players[i], options));
    }
    u64 start = Hal::monotonic_nanoseconds();
    for (auto* thread : threads)
        Hal::join_thread(thread);
    u64 elapsed = Hal::monotonic_nanoseconds() - start;
    logln("condition: ball passed {} times in {} us ({} ns per hand-over, including the switch)", game.ball,
        elapsed / 1000, elapsed / 2000);
    return check(game.ball == 2000, "ping-pong through a condition variable"sv) ? TestVerdict::Pass
                                                                                : TestVerdict::Fail;
}

TestVerdict safepoint()
{
    GroupWorkload workload;
    Hal::ThreadGroup group;
    GroupWorker workers[3] = {{&workload, 0}, {&workload, 1}, {&workload, 2}};
    Hal::Thread* threads[3] {};
    for (int i = 0; i < 3; ++i) {
        Hal::ThreadOptions options;
        options.name = "group-worker"sv;
        options.group = &group;
        threads[i] = MUST(Hal::create_thread(group_worker, &workers[i], options));
    }
    bool ok = check(group.thread_count() == 3, "three threads in the group"sv);
    bool all_progressed = false;
    for (int attempt = 0; attempt < 500 && !all_progressed; ++attempt) {
        Hal::sleep_for(10 * millisecond);
        all_progressed = workload.progress[0] > 0 && workload.progress[1] > 0 && workload.progress[2] > 0;
    }
    ok &= check(all_progressed, "the group's threads run"sv);

    for (int round = 0; round < 3; ++round) {
        group.stop_at_safepoint();
        u64 stopped[3] = {workload.progress[0], workload.progress[1], workload.progress[2]};
        workload.event.signal(); // wakes the event waiter, which must park, not run
        Hal::sleep_for(50 * millisecond);
        bool still = stopped[0] == workload.progress[0] && stopped[1] == workload.progress[1]
            && stopped[2] == workload.progress[2];
        ok &= check(still, "no thread of a stopped group runs"sv);
        logln("safepoint: round {} stopped at {} {} {}", round, stopped[0], stopped[1], stopped[2]);
        group.resume();
        bool moved = false;
        for (int attempt = 0; attempt < 500 && !moved; ++attempt) {
            Hal::sleep_for(10 * millisecond);
            moved = workload.progress[0] > stopped[0] && workload.progress[1] > stopped[1]
                && workload.progress[2] > stopped[2];
        }
        ok &= check(moved, "every thread runs again after resume()"sv);
    }
    workload.finish = true;
    workload.event.signal();
    for (auto* thread : threads)
        Hal::join_thread(thread);
    ok &= check(group.thread_count() == 0, "the group is empty after the joins"sv);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
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
