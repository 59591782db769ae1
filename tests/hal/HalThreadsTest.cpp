// hal.threads: kernel/hal/Threads.h and Time.h on the hosted port, the same scenarios as the
// kernel's test=sleep/threads/condition/safepoint/rtc (kernel/pc/threads/ThreadTests.cpp):
// a 100 ms sleep measured with the host clock (accepted 80..400 ms, with retries), timers,
// the wall clock, and the portable thread scenarios that the kernel runs too
// (tests/scenarios/ThreadScenarios.h: mutex counter, condition ping-pong, safepoint group).
#include <QDateTime>
#include <QElapsedTimer>
#include <QTest>
#include <atomic>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <tests/scenarios/ThreadScenarios.h>

namespace {

constexpr u64 millisecond = Hal::nanoseconds_per_millisecond;

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
        QVERIFY2(!Scenarios::mutex_counter(2).is_error(), "the scenario's log line names the failed check");
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
        QVERIFY2(
            !Scenarios::condition_ping_pong().is_error(), "the scenario's log line names the failed check");
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
        QVERIFY2(!Scenarios::safepoint_group().is_error(), "the scenario's log line names the failed check");
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
