// hal.threads: kernel/hal/Threads.h and Time.h on the hosted port, the same scenarios as the
// kernel's test=sleep/threads/condition/safepoint/rtc (kernel/pc/threads/ThreadTests.cpp):
// a 100 ms sleep measured with the host clock (accepted 80..400 ms, with retries), two
// threads sharing a mutex-protected counter over 10^6 increments, condition-variable
// ping-pong, a thread group stopped at a safepoint and resumed, timers, the wall clock.
#include <QDateTime>
#include <QElapsedTimer>
#include <QTest>
#include <atomic>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>

namespace {

constexpr u64 millisecond = Hal::nanoseconds_per_millisecond;

struct SharedCounter {
    Hal::Mutex mutex;
    u64 value {0};
    u64 turns {0};
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
    for (u64 i = 0; i < worker.increments; ++i) {
        Hal::MutexLocker locker(worker.shared->mutex);
        u64 value = worker.shared->value;
        asm volatile("" ::: "memory");
        worker.shared->value = value + 1;
        if (worker.shared->last_thread != worker.index) {
            ++worker.shared->turns;
            worker.shared->last_thread = worker.index;
        }
    }
}

struct PingPong {
    Hal::Mutex mutex;
    Hal::ConditionVariable changed;
    u32 ball {0};
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
    std::atomic<u64> progress[3] {};
    std::atomic<bool> finish {false};
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
        ++workload.progress[worker.index];
        Hal::safepoint();
    }
}

void count_tick(void* context) { ++*static_cast<std::atomic<u32>*>(context); }

struct Wakeup {
    Hal::Event event;
};

void signal_event(void* context) { static_cast<Wakeup*>(context)->event.signal(); }

} // namespace

class HalThreadsTest : public QObject {
    Q_OBJECT

private slots:
    void monotonic_clock_advances()
    {
        u64 first = Hal::monotonic_nanoseconds();
        Hal::sleep_for(2 * millisecond);
        QVERIFY(Hal::monotonic_nanoseconds() >= first + 2 * millisecond);
    }

    void sleep_100_ms_matches_the_host_clock()
    {
        QList<qint64> measured;
        for (int run = 0; run < 3; ++run) {
            QElapsedTimer host_clock;
            host_clock.start();
            Hal::sleep_for(100 * millisecond);
            qint64 elapsed = host_clock.elapsed();
            measured.append(elapsed);
            qInfo("100 ms sleep took %lld ms by the host clock (accepted 80..400 ms)", elapsed);
            if (elapsed >= 80 && elapsed <= 400)
                return;
        }
        QFAIL("no 100 ms sleep within 80..400 ms by the host clock");
    }

    void two_threads_share_a_mutex_without_lost_updates()
    {
        SharedCounter shared;
        Worker workers[2] = {{&shared, 0, 500'000}, {&shared, 1, 500'000}};
        Hal::Thread* threads[2] {};
        for (int i = 0; i < 2; ++i) {
            Hal::ThreadOptions options;
            options.name = "worker"sv;
            auto thread = Hal::create_thread(increment_many, &workers[i], options);
            QVERIFY(!thread.is_error());
            threads[i] = thread.value();
        }
        for (auto* thread : threads)
            Hal::join_thread(thread);
        QCOMPARE(shared.value, 1'000'000u);
        QVERIFY2(shared.turns >= 2, "the two threads did not interleave");
    }

    void mutex_records_its_owner()
    {
        Hal::Mutex mutex;
        QVERIFY(!mutex.is_locked_by_current_thread());
        mutex.lock();
        QVERIFY(mutex.is_locked_by_current_thread());
        QVERIFY(!mutex.try_lock());
        mutex.unlock();
        QVERIFY(mutex.try_lock());
        mutex.unlock();
    }

    void condition_variable_ping_pong()
    {
        PingPong game;
        Player players[2] = {{&game, 0}, {&game, 1}};
        Hal::Thread* threads[2] {};
        for (int i = 0; i < 2; ++i)
            threads[i] = MUST(Hal::create_thread(play, &players[i]));
        for (auto* thread : threads)
            Hal::join_thread(thread);
        QCOMPARE(game.ball, 2000u);
    }

    void condition_variable_wait_times_out()
    {
        Hal::Mutex mutex;
        Hal::ConditionVariable condition;
        Hal::MutexLocker locker(mutex);
        u64 deadline = Hal::monotonic_nanoseconds() + 20 * millisecond;
        QVERIFY(!condition.wait_until(mutex, deadline));
        QVERIFY(Hal::monotonic_nanoseconds() >= deadline);
        QVERIFY(mutex.is_locked_by_current_thread());
    }

    void event_from_a_timer_wakes_a_waiter()
    {
        Wakeup wakeup;
        QVERIFY(!wakeup.event.wait(Hal::monotonic_nanoseconds() + 10 * millisecond));
        Hal::Timer timer;
        timer.start_once(Hal::monotonic_nanoseconds() + 20 * millisecond, signal_event, &wakeup);
        QVERIFY(wakeup.event.wait(Hal::monotonic_nanoseconds() + 10'000 * millisecond));
        QVERIFY(!timer.is_armed());
    }

    void periodic_timer_ticks_and_cancels()
    {
        std::atomic<u32> ticks {0};
        Hal::Timer timer;
        timer.start_periodic(5 * millisecond, count_tick, &ticks);
        u64 give_up = Hal::monotonic_nanoseconds() + 10'000 * millisecond;
        while (ticks < 5 && Hal::monotonic_nanoseconds() < give_up)
            Hal::sleep_for(millisecond);
        timer.cancel();
        QVERIFY(ticks >= 5);
        u32 after_cancel = ticks;
        Hal::sleep_for(30 * millisecond);
        QCOMPARE(ticks.load(), after_cancel);
    }

    void thread_group_stops_at_a_safepoint_and_resumes()
    {
        GroupWorkload workload;
        Hal::ThreadGroup group;
        GroupWorker workers[3] = {{&workload, 0}, {&workload, 1}, {&workload, 2}};
        Hal::Thread* threads[3] {};
        for (int i = 0; i < 3; ++i) {
            Hal::ThreadOptions options;
            options.group = &group;
            threads[i] = MUST(Hal::create_thread(group_worker, &workers[i], options));
        }
        QCOMPARE(group.thread_count(), 3u);
        for (int round = 0; round < 3; ++round) {
            QTRY_VERIFY_WITH_TIMEOUT(
                workload.progress[0] > 0 && workload.progress[1] > 0 && workload.progress[2] > 0, 10000);
            group.stop_at_safepoint();
            u64 stopped[3] = {workload.progress[0], workload.progress[1], workload.progress[2]};
            workload.event.signal();
            Hal::sleep_for(50 * millisecond);
            QCOMPARE(workload.progress[0].load(), stopped[0]);
            QCOMPARE(workload.progress[1].load(), stopped[1]);
            QCOMPARE(workload.progress[2].load(), stopped[2]);
            group.resume();
            QTRY_VERIFY_WITH_TIMEOUT(workload.progress[0] > stopped[0] && workload.progress[1] > stopped[1]
                    && workload.progress[2] > stopped[2],
                10000);
        }
        workload.finish = true;
        workload.event.signal();
        for (auto* thread : threads)
            Hal::join_thread(thread);
        QCOMPARE(group.thread_count(), 0u);
    }

    void wall_clock_gives_a_plausible_date()
    {
        auto now = Hal::current_date_time();
        QVERIFY(now.year >= 2024);
        auto host = QDateTime::currentDateTimeUtc().date();
        QDate date(static_cast<int>(now.year), now.month, now.day);
        QVERIFY(qAbs(date.daysTo(host)) <= 1);
        // The calendar conversion against Qt's, over a range of days.
        for (qint64 seconds = 0; seconds < 5'000'000'000; seconds += 86'400 * 37 + 3'601) {
            auto ours = Hal::date_time_from_unix_seconds(static_cast<u64>(seconds));
            auto theirs = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
            QCOMPARE(static_cast<int>(ours.year), theirs.date().year());
            QCOMPARE(static_cast<int>(ours.month), theirs.date().month());
            QCOMPARE(static_cast<int>(ours.day), theirs.date().day());
            QCOMPARE(static_cast<int>(ours.hour), theirs.time().hour());
            QCOMPARE(Hal::unix_seconds_from_date_time(ours), static_cast<u64>(seconds));
        }
    }
};

QTEST_GUILESS_MAIN(HalThreadsTest)
#include "HalThreadsTest.moc"
