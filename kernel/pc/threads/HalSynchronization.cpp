/*
 * kernel/pc/threads/HalSynchronization.cpp: Hal::Mutex, ConditionVariable, Event and
 * ThreadGroup for the pc port, over the scheduler's wait queues. Each keeps its state in the
 * opaque storage of the HAL class; every operation runs with interrupts off (one processor).
 */
#include <kernel/hal/Threads.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/threads/Scheduler.h>
#include <new>

using Kernel::Interrupts::InterruptsDisabled;
namespace Scheduler = Kernel::Scheduler;

namespace Hal {

namespace {

    struct MutexState {
        Thread* owner {nullptr};
        Kernel::WaitQueue waiters;
    };

    struct ConditionState {
        Kernel::WaitQueue waiters;
    };

    struct EventState {
        bool is_set {false};
        Kernel::WaitQueue waiters;
    };

    // The HAL classes hold nothing but their storage, so the object's address is the state's.
    template<typename State, typename Object> State& state_of(Object& object)
    {
        static_assert(sizeof(State) <= sizeof(Object));
        return *reinterpret_cast<State*>(&object);
    }
    template<typename State, typename Object> State const& state_of(Object const& object)
    {
        return *reinterpret_cast<State const*>(&object);
    }

    void lock_with_interrupts_off(MutexState& mutex)
    {
        auto* self = Scheduler::current();
        VERIFY(mutex.owner != self);
        // No hand-off: a woken waiter competes again, which keeps an uncontended lock cheap.
        while (mutex.owner)
            Scheduler::block(mutex.waiters, no_deadline);
        mutex.owner = self;
    }

    void unlock_with_interrupts_off(MutexState& mutex)
    {
        VERIFY(mutex.owner == Scheduler::current());
        mutex.owner = nullptr;
        Scheduler::wake_one(mutex.waiters);
    }

} // namespace

Mutex::Mutex() { new (m_storage) MutexState; }

Mutex::~Mutex()
{
    auto& state = state_of<MutexState>(*this);
    VERIFY(!state.owner && state.waiters.is_empty());
    state.~MutexState();
}

void Mutex::lock()
{
    InterruptsDisabled guard;
    lock_with_interrupts_off(state_of<MutexState>(*this));
}

bool Mutex::try_lock()
{
    InterruptsDisabled guard;
    auto& state = state_of<MutexState>(*this);
    if (state.owner)
        return false;
    state.owner = Scheduler::current();
    return true;
}

void Mutex::unlock()
{
    InterruptsDisabled guard;
    unlock_with_interrupts_off(state_of<MutexState>(*this));
}

bool Mutex::is_locked_by_current_thread() const
{
    return state_of<MutexState>(*this).owner == Scheduler::current();
}

ConditionVariable::ConditionVariable() { new (m_storage) ConditionState; }

ConditionVariable::~ConditionVariable() { state_of<ConditionState>(*this).~ConditionState(); }

void ConditionVariable::wait(Mutex& mutex) { (void)wait_until(mutex, no_deadline); }

bool ConditionVariable::wait_until(Mutex& mutex, u64 deadline_ns)
{
    InterruptsDisabled guard;
    auto& mutex_state = state_of<MutexState>(mutex);
    // With interrupts off nobody can signal between the unlock and the block.
    unlock_with_interrupts_off(mutex_state);
    bool woken = Scheduler::block(state_of<ConditionState>(*this).waiters, deadline_ns);
    lock_with_interrupts_off(mutex_state);
    return woken;
}

void ConditionVariable::signal()
{
    InterruptsDisabled guard;
    Scheduler::wake_one(state_of<ConditionState>(*this).waiters);
}

void ConditionVariable::broadcast()
{
    InterruptsDisabled guard;
    Scheduler::wake_all(state_of<ConditionState>(*this).waiters);
}

Event::Event() { new (m_storage) EventState; }

Event::~Event() { state_of<EventState>(*this).~EventState(); }

void Event::signal()
{
    InterruptsDisabled guard;
    auto& state = state_of<EventState>(*this);
    // A waiter takes the signal directly; otherwise it stays set for the next wait().
    if (!Scheduler::wake_one(state.waiters))
        state.is_set = true;
}

bool Event::wait(u64 deadline_ns)
{
    InterruptsDisabled guard;
    auto& state = state_of<EventState>(*this);
    if (state.is_set) {
        state.is_set = false;
        return true;
    }
    return Scheduler::block(state.waiters, deadline_ns);
}

ThreadGroup::ThreadGroup() { new (m_storage) Kernel::ThreadGroupState; }

ThreadGroup::~ThreadGroup()
{
    auto& state = state_of<Kernel::ThreadGroupState>(*this);
    VERIFY(state.members == 0);
    state.~ThreadGroupState();
}

void ThreadGroup::stop_at_safepoint()
{
    InterruptsDisabled guard;
    auto& state = state_of<Kernel::ThreadGroupState>(*this);
    VERIFY(!state.stop_requested);
    state.stop_requested = true;
    state.stopper = Scheduler::current();
    for (;;) {
        bool stopper_is_member = Scheduler::current()->m_group == &state;
        if (state.parked >= state.members - (stopper_is_member ? 1 : 0))
            break;
        // The stopper's own wait must not count it as parked: block on a queue of its own.
        Scheduler::block_without_parking(state.stopper_queue, no_deadline);
    }
}

void ThreadGroup::resume()
{
    InterruptsDisabled guard;
    auto& state = state_of<Kernel::ThreadGroupState>(*this);
    VERIFY(state.stop_requested);
    state.stop_requested = false;
    state.stopper = nullptr;
    Scheduler::wake_all(state.resume_queue);
}

usize ThreadGroup::thread_count() const { return state_of<Kernel::ThreadGroupState>(*this).members; }

} // namespace Hal
