/*
 * kernel/hosted/HostedTime.cpp: kernel/hal/Time.h for the hosted port. The clocks are
 * clock_gettime(CLOCK_MONOTONIC / CLOCK_REALTIME); timers live in one sorted list served by a
 * timer thread (started on first use) that sleeps on a CLOCK_MONOTONIC condition variable
 * until the earliest deadline and runs the callbacks without holding the list lock.
 */
#include <base/Assertions.h>
#include <base/IntrusiveList.h>
#include <kernel/hal/Time.h>

#include <new>
#include <pthread.h>
#include <time.h>

namespace Hal {

namespace {

    struct TimerState {
        IntrusiveListNode node;
        u64 deadline {0};
        u64 period {0};
        Timer::Callback callback {nullptr};
        void* context {nullptr};
    };
    static_assert(sizeof(TimerState) <= 64);

    using TimerQueue = IntrusiveList<TimerState, &TimerState::node>;

    struct TimerThread {
        pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        pthread_cond_t changed;
        pthread_cond_t callback_done;
        TimerQueue queue;
        TimerState* running {nullptr}; // whose callback runs right now
        pthread_t thread {};
        bool started {false};
    };

    TimerThread& timer_thread()
    {
        static TimerThread* instance = [] {
            auto* state = new TimerThread;
            pthread_condattr_t attributes;
            pthread_condattr_init(&attributes);
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
            pthread_cond_init(&state->changed, &attributes);
            pthread_cond_init(&state->callback_done, &attributes);
            pthread_condattr_destroy(&attributes);
            return state;
        }();
        return *instance;
    }

    timespec to_timespec(u64 nanoseconds)
    {
        return {static_cast<time_t>(nanoseconds / nanoseconds_per_second),
            static_cast<long>(nanoseconds % nanoseconds_per_second)};
    }

    void insert_sorted(TimerQueue& queue, TimerState& entry)
    {
        for (auto& other : queue) {
            if (other.deadline > entry.deadline) {
                queue.insert_before(other, entry);
                return;
            }
        }
        queue.append(entry);
    }

    void* run_timer_thread(void*)
    {
        auto& timers = timer_thread();
        pthread_mutex_lock(&timers.lock);
        for (;;) {
            auto* first = timers.queue.first();
            if (!first) {
                pthread_cond_wait(&timers.changed, &timers.lock);
                continue;
            }
            u64 now = monotonic_nanoseconds();
            if (first->deadline > now) {
                auto until = to_timespec(first->deadline);
                pthread_cond_timedwait(&timers.changed, &timers.lock, &until);
                continue;
            }
            first->node.remove();
            if (first->period) {
                first->deadline += first->period;
                if (first->deadline <= now)
                    first->deadline = now + first->period;
                insert_sorted(timers.queue, *first);
            }
            auto callback = first->callback;
            auto* context = first->context;
            timers.running = first;
            pthread_mutex_unlock(&timers.lock);
            callback(context);
            pthread_mutex_lock(&timers.lock);
            timers.running = nullptr;
            pthread_cond_broadcast(&timers.callback_done);
        }
        return nullptr;
    }

    // Call with the lock held.
    void start_thread_if_needed(TimerThread& timers)
    {
        if (timers.started)
            return;
        VERIFY(pthread_create(&timers.thread, nullptr, run_timer_thread, nullptr) == 0);
        pthread_setname_np(timers.thread, "phantom-timers");
        timers.started = true;
    }

    void arm(TimerState& entry, u64 deadline, u64 period, Timer::Callback callback, void* context)
    {
        VERIFY(callback);
        auto& timers = timer_thread();
        pthread_mutex_lock(&timers.lock);
        start_thread_if_needed(timers);
        entry.node.remove();
        entry.deadline = deadline;
        entry.period = period;
        entry.callback = callback;
        entry.context = context;
        insert_sorted(timers.queue, entry);
        pthread_cond_broadcast(&timers.changed);
        pthread_mutex_unlock(&timers.lock);
    }

} // namespace

u64 monotonic_nanoseconds()
{
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<u64>(now.tv_sec) * nanoseconds_per_second + static_cast<u64>(now.tv_nsec);
}

u64 wall_clock_nanoseconds()
{
    timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<u64>(now.tv_sec) * nanoseconds_per_second + static_cast<u64>(now.tv_nsec);
}

Timer::Timer() { new (m_storage) TimerState; }

Timer::~Timer()
{
    cancel();
    reinterpret_cast<TimerState*>(m_storage)->~TimerState();
}

void Timer::start_once(u64 deadline_ns, Callback callback, void* context)
{
    arm(*reinterpret_cast<TimerState*>(m_storage), deadline_ns, 0, callback, context);
}

void Timer::start_periodic(u64 period_ns, Callback callback, void* context)
{
    VERIFY(period_ns > 0);
    arm(*reinterpret_cast<TimerState*>(m_storage), monotonic_nanoseconds() + period_ns, period_ns, callback,
        context);
}

void Timer::cancel()
{
    auto& entry = *reinterpret_cast<TimerState*>(m_storage);
    auto& timers = timer_thread();
    pthread_mutex_lock(&timers.lock);
    entry.node.remove();
    // Wait for a running callback of this timer, unless it is the caller.
    if (!timers.started || !pthread_equal(pthread_self(), timers.thread)) {
        while (timers.running == &entry)
            pthread_cond_wait(&timers.callback_done, &timers.lock);
    }
    pthread_mutex_unlock(&timers.lock);
}

bool Timer::is_armed() const
{
    auto& timers = timer_thread();
    pthread_mutex_lock(&timers.lock);
    bool armed = reinterpret_cast<TimerState const*>(m_storage)->node.is_in_list();
    pthread_mutex_unlock(&timers.lock);
    return armed;
}

} // namespace Hal
