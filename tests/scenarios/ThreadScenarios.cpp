/*
 * tests/scenarios/ThreadScenarios.cpp: see ThreadScenarios.h. Shared counters that the
 * scenario's own thread polls are read and written with __atomic builtins, which both the
 * freestanding kernel and the host compile.
 */
#include <base/Log.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <tests/scenarios/ThreadScenarios.h>

namespace Scenarios {

namespace {

    constexpr u64 millisecond = Hal::nanoseconds_per_millisecond;

    u64 load(u64 const& value) { return __atomic_load_n(&value, __ATOMIC_SEQ_CST); }
    void add_one(u64& value) { __atomic_add_fetch(&value, 1, __ATOMIC_SEQ_CST); }

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
        u32 rounds {1000};
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
        u64 progress[3] {};
        bool finish {false};
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
        while (!__atomic_load_n(&workload.finish, __ATOMIC_SEQ_CST)) {
            if (worker.index == 1)
                Hal::sleep_for(millisecond);
            else if (worker.index == 2)
                (void)workload.event.wait(Hal::monotonic_nanoseconds() + 5 * millisecond);
            add_one(workload.progress[worker.index]);
            Hal::safepoint();
        }
    }

    // Polls every 10 ms for up to 5 s until every worker's progress is above `floor`.
    bool wait_for_progress(GroupWorkload const& workload, u64 const (&floor)[3])
    {
        for (int attempt = 0; attempt < 500; ++attempt) {
            if (load(workload.progress[0]) > floor[0] && load(workload.progress[1]) > floor[1]
                && load(workload.progress[2]) > floor[2])
                return true;
            Hal::sleep_for(10 * millisecond);
        }
        return false;
    }

    bool check(bool condition, StringView scenario, StringView what)
    {
        if (!condition)
            logln("{}: check failed: {}", scenario, what);
        return condition;
    }

    ErrorOr<void> verdict(bool ok)
    {
        if (!ok)
            return Error::from_string_literal("A thread scenario failed; the log names the failed check.");
        return {};
    }

} // namespace

ErrorOr<void> mutex_counter(u64 minimum_turns)
{
    SharedCounter shared;
    Worker workers[2] = {{&shared, 0, 500'000}, {&shared, 1, 500'000}};
    Hal::Thread* threads[2] {};
    u64 start = Hal::monotonic_nanoseconds();
    for (int i = 0; i < 2; ++i) {
        Hal::ThreadOptions options;
        options.name = i == 0 ? "worker-0"sv : "worker-1"sv;
        threads[i] = TRY(Hal::create_thread(increment_many, &workers[i], options));
    }
    for (auto* thread : threads)
        Hal::join_thread(thread);
    u64 elapsed = Hal::monotonic_nanoseconds() - start;
    logln("threads: counter {} after {} ms; the incrementing thread changed {} times", shared.value,
        elapsed / millisecond, shared.turns);
    bool ok = check(shared.value == 1'000'000, "threads"sv, "no lost updates over 10^6 increments"sv);
    ok &= check(shared.turns >= minimum_turns, "threads"sv, "the two threads took turns (preemption)"sv);
    return verdict(ok);
}

ErrorOr<void> condition_ping_pong()
{
    PingPong game;
    Player players[2] = {{&game, 0}, {&game, 1}};
    Hal::Thread* threads[2] {};
    for (int i = 0; i < 2; ++i) {
        Hal::ThreadOptions options;
        options.name = i == 0 ? "ping"sv : "pong"sv;
        threads[i] = TRY(Hal::create_thread(play, &players[i], options));
    }
    u64 start = Hal::monotonic_nanoseconds();
    for (auto* thread : threads)
        Hal::join_thread(thread);
    u64 elapsed = Hal::monotonic_nanoseconds() - start;
    logln("condition: ball passed {} times in {} us ({} ns per hand-over, including the switch)", game.ball,
        elapsed / 1000, elapsed / 2000);
    return verdict(
        check(game.ball == 2 * game.rounds, "condition"sv, "ping-pong through a condition variable"sv));
}

ErrorOr<void> safepoint_group()
{
    GroupWorkload workload;
    Hal::ThreadGroup group;
    GroupWorker workers[3] = {{&workload, 0}, {&workload, 1}, {&workload, 2}};
    Hal::Thread* threads[3] {};
    for (int i = 0; i < 3; ++i) {
        Hal::ThreadOptions options;
        options.name = "group-worker"sv;
        options.group = &group;
        threads[i] = TRY(Hal::create_thread(group_worker, &workers[i], options));
    }
    bool ok = check(group.thread_count() == 3, "safepoint"sv, "three threads in the group"sv);
    u64 const nothing[3] = {0, 0, 0};
    ok &= check(wait_for_progress(workload, nothing), "safepoint"sv, "the group's threads run"sv);

    for (int round = 0; round < 3 && ok; ++round) {
        group.stop_at_safepoint();
        u64 const stopped[3]
            = {load(workload.progress[0]), load(workload.progress[1]), load(workload.progress[2])};
        workload.event.signal(); // wakes the event waiter, which must park, not run
        Hal::sleep_for(50 * millisecond);
        bool still = stopped[0] == load(workload.progress[0]) && stopped[1] == load(workload.progress[1])
            && stopped[2] == load(workload.progress[2]);
        ok &= check(still, "safepoint"sv, "no thread of a stopped group runs"sv);
        logln("safepoint: round {} stopped at {} {} {}", round, stopped[0], stopped[1], stopped[2]);
        group.resume();
        ok &= check(
            wait_for_progress(workload, stopped), "safepoint"sv, "every thread runs again after resume()"sv);
    }
    __atomic_store_n(&workload.finish, true, __ATOMIC_SEQ_CST);
    workload.event.signal();
    for (auto* thread : threads)
        Hal::join_thread(thread);
    ok &= check(group.thread_count() == 0, "safepoint"sv, "the group is empty after the joins"sv);
    return verdict(ok);
}

} // namespace Scenarios
