/*
 * kernel/hal/Threads.h: threads as the hardware layer offers them: preemptive threads with
 * priorities (round-robin within a priority), a sleeping mutex, condition variables, sleeping
 * until a deadline, events (wake-ups that interrupt handlers may signal) and thread groups
 * that can be stopped at a safepoint and resumed (the snapshot engine's stop-the-world).
 *
 * Deadlines are values of Hal::monotonic_nanoseconds() (kernel/hal/Time.h); no_deadline
 * waits forever. pc: kernel threads on one processor, preempted by the local APIC timer;
 * hosted: pthreads.
 *
 * Safepoints: ThreadGroup::stop_at_safepoint() asks every thread of the group to park at its
 * next call of Hal::safepoint(). A thread blocked in a HAL wait (mutex, condition variable,
 * sleep, event, join) counts as parked while it blocks, and parks on waking up until resume();
 * not while it runs a memory fault handler (kernel/hal/Memory.h), where it is in the middle
 * of its code: a stop then waits until the handler returned and the thread got to a safepoint.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/StringView.h>
#include <base/Types.h>

namespace Hal {

constexpr u64 no_deadline = ~static_cast<u64>(0);

enum class ThreadPriority : u8 {
    Low = 0,
    Normal = 1,
    High = 2,
};

// A thread; port-defined, reached only through the functions below.
class Thread;
class ThreadGroup;

using ThreadEntry = void (*)(void* argument);

struct ThreadOptions {
    StringView name {"thread"};
    ThreadPriority priority {ThreadPriority::Normal};
    // The group the thread belongs to for safepoint stops, or none.
    ThreadGroup* group {nullptr};
    usize stack_size {64 * 1024};
};

// Starts a thread running `entry(argument)`; it ends when entry returns or calls exit_thread().
ErrorOr<Thread*> create_thread(ThreadEntry entry, void* argument, ThreadOptions const& options = {});
// Waits until `thread` has ended, then frees it. Every created thread must be joined exactly once.
void join_thread(Thread* thread);
// Ends the calling thread (its joiner wakes up).
[[noreturn]] void exit_thread();
// The calling thread.
Thread* current_thread();
// The name a thread was created with.
StringView thread_name(Thread const* thread);
// Lets other runnable threads of the same priority run first.
void yield();
// Blocks the calling thread until monotonic_nanoseconds() >= deadline_ns.
void sleep_until(u64 deadline_ns);
// Blocks the calling thread for at least `duration_ns`.
void sleep_for(u64 duration_ns);
// Parks the calling thread here while its group is being stopped (cheap when it is not).
void safepoint();

// A sleeping (not spinning) mutual exclusion lock, not recursive; records its owner.
class Mutex {
public:
    Mutex();
    ~Mutex();
    Mutex(Mutex const&) = delete;
    Mutex& operator=(Mutex const&) = delete;

    // Blocks until the calling thread owns the mutex.
    void lock();
    // Takes the mutex if it is free; never blocks.
    [[nodiscard]] bool try_lock();
    // Releases the mutex; VERIFY fails unless the calling thread owns it.
    void unlock();
    // Whether the calling thread owns the mutex.
    bool is_locked_by_current_thread() const;

private:
    alignas(16) u8 m_storage[64];
};

// Holds a mutex for its lifetime.
class MutexLocker {
public:
    explicit MutexLocker(Mutex& mutex)
        : m_mutex(mutex)
    {
        m_mutex.lock();
    }
    ~MutexLocker() { m_mutex.unlock(); }
    MutexLocker(MutexLocker const&) = delete;
    MutexLocker& operator=(MutexLocker const&) = delete;

private:
    Mutex& m_mutex;
};

// Waits for a condition protected by a Mutex. Wake-ups may be spurious: wait in a loop.
class ConditionVariable {
public:
    ConditionVariable();
    ~ConditionVariable();
    ConditionVariable(ConditionVariable const&) = delete;
    ConditionVariable& operator=(ConditionVariable const&) = delete;

    // Releases `mutex` (held by the caller), blocks until signalled, and takes it again.
    void wait(Mutex& mutex);
    // As wait(), giving up at the deadline; false when the deadline passed.
    bool wait_until(Mutex& mutex, u64 deadline_ns);
    // Wakes one waiting thread.
    void signal();
    // Wakes every waiting thread.
    void broadcast();

private:
    alignas(16) u8 m_storage[64];
};

// A wake-up flag that resets itself: signal() lets one wait() return (now or later).
class Event {
public:
    Event();
    ~Event();
    Event(Event const&) = delete;
    Event& operator=(Event const&) = delete;

    // Sets the event, waking one waiter; callable from an interrupt handler or a timer callback.
    void signal();
    // Blocks until the event is set (consuming it) or the deadline passes; false on the deadline.
    bool wait(u64 deadline_ns = no_deadline);

private:
    alignas(16) u8 m_storage[128];
};

// A set of threads (named in ThreadOptions::group) that can be stopped together.
class ThreadGroup {
public:
    ThreadGroup();
    ~ThreadGroup();
    ThreadGroup(ThreadGroup const&) = delete;
    ThreadGroup& operator=(ThreadGroup const&) = delete;

    // Asks every thread of the group (but the caller) to park at its next safepoint() and
    // returns once all of them are parked or blocked. One stop at a time per group.
    void stop_at_safepoint();
    // Lets the parked threads go on.
    void resume();
    // How many threads of the group are alive.
    usize thread_count() const;

private:
    alignas(16) u8 m_storage[128];
};

} // namespace Hal
