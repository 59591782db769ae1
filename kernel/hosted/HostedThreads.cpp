/*
 * kernel/hosted/HostedThreads.cpp: kernel/hal/Threads.h for the hosted port, over pthreads.
 * The HAL objects keep their pthread objects in their opaque storage. Condition variables
 * and deadlines use CLOCK_MONOTONIC, the clock of Hal::monotonic_nanoseconds().
 *
 * Safepoints: every blocking call brackets its wait with enter_parked()/leave_parked(), which
 * count the thread as parked for its group and, on the way out, hold it while the group is
 * stopped; not inside a fault handler (Hosted::set_in_fault_handler: the thread is in the
 * middle of its code there). Priorities are recorded but not applied: raising a pthread's
 * priority needs privileges the hosted port does not have (Linux's fair scheduler
 * interleaves all threads).
 */
#include <base/Assertions.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/hosted/HostedThreads.h>

#include <errno.h>
#include <new>
#include <pthread.h>
#include <string.h>
#include <time.h>

namespace Hal {

namespace {

    struct GroupState {
        pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
        pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
        usize members {0};
        usize parked {0};
        bool stop_requested {false};
        Thread* stopper {nullptr};
    };
    static_assert(sizeof(GroupState) <= 128);

} // namespace

class Thread {
public:
    pthread_t handle {};
    ThreadEntry entry {nullptr};
    void* argument {nullptr};
    ThreadPriority priority {ThreadPriority::Normal};
    GroupState* group {nullptr};
    char name[32] {};
};

namespace {

    thread_local Thread* t_current;
    // Inside a Hal fault handler (HostedMemory.cpp): waits there are not parking.
    thread_local bool t_in_fault_handler;

    struct MutexState {
        pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
        // Read without the lock by owner checks: atomic (relaxed) accesses only.
        Thread* owner {nullptr};
    };
    static_assert(sizeof(MutexState) <= 64);

    struct ConditionState {
        pthread_cond_t condition;
    };
    static_assert(sizeof(ConditionState) <= 64);

    struct EventState {
        pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
        pthread_cond_t condition;
        bool is_set {false};
    };
    static_assert(sizeof(EventState) <= 128);

    Thread* owner_of(MutexState const& state) { return __atomic_load_n(&state.owner, __ATOMIC_RELAXED); }
    void set_owner(MutexState& state, Thread* owner)
    {
        __atomic_store_n(&state.owner, owner, __ATOMIC_RELAXED);
    }

    template<typename State, typename Object> State& state_of(Object& object)
    {
        static_assert(sizeof(State) <= sizeof(Object));
        return *reinterpret_cast<State*>(&object);
    }
    template<typename State, typename Object> State const& state_of(Object const& object)
    {
        return *reinterpret_cast<State const*>(&object);
    }

    void initialize_monotonic_condition(pthread_cond_t& condition)
    {
        pthread_condattr_t attributes;
        pthread_condattr_init(&attributes);
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
        pthread_cond_init(&condition, &attributes);
        pthread_condattr_destroy(&attributes);
    }

    timespec to_timespec(u64 nanoseconds)
    {
        return {static_cast<time_t>(nanoseconds / nanoseconds_per_second),
            static_cast<long>(nanoseconds % nanoseconds_per_second)};
    }

    usize stop_target(GroupState& group)
    {
        bool stopper_is_member = group.stopper && group.stopper->group == &group;
        return group.members - (stopper_is_member ? 1 : 0);
    }

    void enter_parked()
    {
        auto* self = current_thread();
        // A thread waiting inside a fault handler is in the middle of its code, not at a
        // safepoint: the stop waits until it gets to one.
        if (!self->group || t_in_fault_handler)
            return;
        auto& group = *self->group;
        pthread_mutex_lock(&group.lock);
        ++group.parked;
        pthread_cond_broadcast(&group.changed);
        pthread_mutex_unlock(&group.lock);
    }

    void leave_parked()
    {
        auto* self = current_thread();
        if (!self->group || t_in_fault_handler)
            return;
        auto& group = *self->group;
        pthread_mutex_lock(&group.lock);
        while (group.stop_requested && group.stopper != self)
            pthread_cond_wait(&group.changed, &group.lock);
        --group.parked;
        pthread_mutex_unlock(&group.lock);
    }

    void leave_group(Thread& thread)
    {
        if (!thread.group)
            return;
        auto& group = *thread.group;
        pthread_mutex_lock(&group.lock);
        --group.members;
        pthread_cond_broadcast(&group.changed);
        pthread_mutex_unlock(&group.lock);
        thread.group = nullptr;
    }

    void* run_thread(void* argument)
    {
        auto* thread = static_cast<Thread*>(argument);
        t_current = thread;
        // A new thread counts as parked until it runs (and parks first if its group is stopped).
        leave_parked();
        thread->entry(thread->argument);
        leave_group(*thread);
        return nullptr;
    }

    void copy_name(Thread& thread, StringView name)
    {
        usize length = name.length() < sizeof(thread.name) - 1 ? name.length() : sizeof(thread.name) - 1;
        memcpy(thread.name, name.characters_without_null_termination(), length);
        thread.name[length] = 0;
    }

} // namespace

ErrorOr<Thread*> create_thread(ThreadEntry entry, void* argument, ThreadOptions const& options)
{
    VERIFY(entry);
    auto* thread = new (std::nothrow) Thread;
    if (!thread)
        return Error::from_string_literal("out of memory for a thread");
    thread->entry = entry;
    thread->argument = argument;
    thread->priority = options.priority;
    copy_name(*thread, options.name);
    if (options.group) {
        auto& group = state_of<GroupState>(*options.group);
        thread->group = &group;
        pthread_mutex_lock(&group.lock);
        ++group.members;
        ++group.parked;
        pthread_mutex_unlock(&group.lock);
    }
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    usize stack_size = options.stack_size < 64 * 1024 ? 64 * 1024 : options.stack_size;
    pthread_attr_setstacksize(&attributes, stack_size);
    int result = pthread_create(&thread->handle, &attributes, run_thread, thread);
    pthread_attr_destroy(&attributes);
    if (result != 0) {
        if (thread->group) {
            auto& group = *thread->group;
            pthread_mutex_lock(&group.lock);
            --group.members;
            --group.parked;
            pthread_mutex_unlock(&group.lock);
        }
        delete thread;
        return Error::from_string_literal("pthread_create failed");
    }
    char short_name[16];
    memcpy(short_name, thread->name, 15);
    short_name[15] = 0;
    pthread_setname_np(thread->handle, short_name);
    return thread;
}

void join_thread(Thread* thread)
{
    VERIFY(thread && thread != current_thread());
    enter_parked();
    pthread_join(thread->handle, nullptr);
    leave_parked();
    delete thread;
}

void exit_thread()
{
    auto* self = current_thread();
    leave_group(*self);
    pthread_exit(nullptr);
}

Thread* current_thread()
{
    if (!t_current) {
        // A thread the HAL did not create (the process's main thread): adopted, never joined.
        thread_local Thread adopted;
        adopted.handle = pthread_self();
        copy_name(adopted, "main"sv);
        t_current = &adopted;
    }
    return t_current;
}

StringView thread_name(Thread const* thread) { return StringView(thread->name, strlen(thread->name)); }

void yield() { sched_yield(); }

void sleep_until(u64 deadline_ns)
{
    enter_parked();
    auto until = to_timespec(deadline_ns);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr) == EINTR) { }
    leave_parked();
}

void sleep_for(u64 duration_ns) { sleep_until(monotonic_nanoseconds() + duration_ns); }

void safepoint()
{
    auto* self = current_thread();
    if (!self->group || !__atomic_load_n(&self->group->stop_requested, __ATOMIC_ACQUIRE))
        return;
    auto& group = *self->group;
    pthread_mutex_lock(&group.lock);
    if (group.stop_requested && group.stopper != self) {
        ++group.parked;
        pthread_cond_broadcast(&group.changed);
        while (group.stop_requested)
            pthread_cond_wait(&group.changed, &group.lock);
        --group.parked;
    }
    pthread_mutex_unlock(&group.lock);
}

Mutex::Mutex() { new (m_storage) MutexState; }

Mutex::~Mutex()
{
    auto& state = state_of<MutexState>(*this);
    VERIFY(!owner_of(state));
    pthread_mutex_destroy(&state.mutex);
    state.~MutexState();
}

void Mutex::lock()
{
    auto& state = state_of<MutexState>(*this);
    auto* self = current_thread();
    VERIFY(owner_of(state) != self);
    if (pthread_mutex_trylock(&state.mutex) != 0) {
        enter_parked();
        pthread_mutex_lock(&state.mutex);
        set_owner(state, self);
        leave_parked();
        return;
    }
    set_owner(state, self);
}

bool Mutex::try_lock()
{
    auto& state = state_of<MutexState>(*this);
    if (pthread_mutex_trylock(&state.mutex) != 0)
        return false;
    set_owner(state, current_thread());
    return true;
}

void Mutex::unlock()
{
    auto& state = state_of<MutexState>(*this);
    VERIFY(owner_of(state) == current_thread());
    set_owner(state, nullptr);
    pthread_mutex_unlock(&state.mutex);
}

bool Mutex::is_locked_by_current_thread() const
{
    return owner_of(state_of<MutexState>(*this)) == current_thread();
}

ConditionVariable::ConditionVariable()
{
    auto* state = new (m_storage) ConditionState;
    initialize_monotonic_condition(state->condition);
}

ConditionVariable::~ConditionVariable() { pthread_cond_destroy(&state_of<ConditionState>(*this).condition); }

void ConditionVariable::wait(Mutex& mutex) { (void)wait_until(mutex, no_deadline); }

bool ConditionVariable::wait_until(Mutex& mutex, u64 deadline_ns)
{
    auto& mutex_state = state_of<MutexState>(mutex);
    auto* self = current_thread();
    VERIFY(owner_of(mutex_state) == self);
    set_owner(mutex_state, nullptr);
    enter_parked();
    int result = 0;
    if (deadline_ns == no_deadline) {
        pthread_cond_wait(&state_of<ConditionState>(*this).condition, &mutex_state.mutex);
    } else {
        auto until = to_timespec(deadline_ns);
        result
            = pthread_cond_timedwait(&state_of<ConditionState>(*this).condition, &mutex_state.mutex, &until);
    }
    // Park (if the group is stopping) without holding the mutex, as the pc port does.
    pthread_mutex_unlock(&mutex_state.mutex);
    leave_parked();
    mutex.lock();
    return result != ETIMEDOUT;
}

void ConditionVariable::signal() { pthread_cond_signal(&state_of<ConditionState>(*this).condition); }

void ConditionVariable::broadcast() { pthread_cond_broadcast(&state_of<ConditionState>(*this).condition); }

Event::Event()
{
    auto* state = new (m_storage) EventState;
    initialize_monotonic_condition(state->condition);
}

Event::~Event()
{
    auto& state = state_of<EventState>(*this);
    pthread_cond_destroy(&state.condition);
    pthread_mutex_destroy(&state.mutex);
}

void Event::signal()
{
    auto& state = state_of<EventState>(*this);
    pthread_mutex_lock(&state.mutex);
    state.is_set = true;
    pthread_cond_signal(&state.condition);
    pthread_mutex_unlock(&state.mutex);
}

bool Event::wait(u64 deadline_ns)
{
    auto& state = state_of<EventState>(*this);
    enter_parked();
    pthread_mutex_lock(&state.mutex);
    auto until = to_timespec(deadline_ns);
    while (!state.is_set) {
        int result = deadline_ns == no_deadline
            ? pthread_cond_wait(&state.condition, &state.mutex)
            : pthread_cond_timedwait(&state.condition, &state.mutex, &until);
        if (result == ETIMEDOUT)
            break;
    }
    bool signalled = state.is_set;
    state.is_set = false;
    pthread_mutex_unlock(&state.mutex);
    // Parks (if the group is stopping) after the event's lock is released, so signal() never waits.
    leave_parked();
    return signalled;
}

ThreadGroup::ThreadGroup()
{
    auto* state = new (m_storage) GroupState;
    initialize_monotonic_condition(state->changed);
}

ThreadGroup::~ThreadGroup()
{
    auto& state = state_of<GroupState>(*this);
    VERIFY(state.members == 0);
    pthread_cond_destroy(&state.changed);
    pthread_mutex_destroy(&state.lock);
}

void ThreadGroup::stop_at_safepoint()
{
    auto& state = state_of<GroupState>(*this);
    pthread_mutex_lock(&state.lock);
    VERIFY(!state.stop_requested);
    state.stopper = current_thread();
    __atomic_store_n(&state.stop_requested, true, __ATOMIC_RELEASE);
    while (state.parked < stop_target(state))
        pthread_cond_wait(&state.changed, &state.lock);
    pthread_mutex_unlock(&state.lock);
}

void ThreadGroup::resume()
{
    auto& state = state_of<GroupState>(*this);
    pthread_mutex_lock(&state.lock);
    VERIFY(state.stop_requested);
    __atomic_store_n(&state.stop_requested, false, __ATOMIC_RELEASE);
    state.stopper = nullptr;
    pthread_cond_broadcast(&state.changed);
    pthread_mutex_unlock(&state.lock);
}

usize ThreadGroup::thread_count() const
{
    auto& state = const_cast<GroupState&>(state_of<GroupState>(*this));
    pthread_mutex_lock(&state.lock);
    usize count = state.members;
    pthread_mutex_unlock(&state.lock);
    return count;
}

} // namespace Hal

namespace Hosted {

void set_in_fault_handler(bool inside) { Hal::t_in_fault_handler = inside; }

} // namespace Hosted
