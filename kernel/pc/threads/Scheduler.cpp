/*
 * kernel/pc/threads/Scheduler.cpp: run queues, blocking and waking, thread creation and
 * exit, the idle thread, preemption from the timer interrupt (through the interrupt
 * dispatcher's return hook), and the thread functions of kernel/hal/Threads.h.
 *
 * Thread stacks are mapped through the memory HAL with a non-present guard page below each,
 * so an overflow faults (and, the fault handler finding no stack, double-faults onto its
 * own interrupt stack and panics) instead of corrupting a neighbour.
 */
#include <base/Log.h>
#include <base/StdLibExtras.h>
#include <kernel/hal/Memory.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/cpu/CpuTables.h>
#include <kernel/pc/cpu/Fpu.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/threads/Scheduler.h>
#include <new>

extern "C" void switch_context(FlatPtr* save_stack_pointer, FlatPtr new_stack_pointer);
extern "C" void thread_trampoline();
extern "C" u8 boot_stack_bottom[];
extern "C" u8 boot_stack_top[];

using Hal::Thread;
using Hal::ThreadPriority;

namespace Kernel::Scheduler {

namespace {

    constexpr usize priority_count = 3;
    constexpr u64 time_slice_nanoseconds = 10 * Hal::nanoseconds_per_millisecond;
    constexpr usize minimum_stack_size = 16 * 1024;

    using AllThreadsList = IntrusiveList<Thread, &Thread::m_all_threads_node>;

    WaitQueue s_run_queues[priority_count];
    AllThreadsList s_all_threads;
    Thread s_boot_thread;
    Thread* s_idle_thread;
    // The boot code is the current thread even before initialize(), so a Hal::Mutex works early.
    Thread* s_current = &s_boot_thread;
    bool s_need_reschedule;
    u64 s_context_switches;
    Time::TimerEntry s_slice_timer;

    usize index_of(ThreadPriority priority) { return static_cast<usize>(priority); }

    void copy_name(Thread& thread, StringView name)
    {
        usize length = min(name.length(), sizeof(thread.m_name) - 1);
        __builtin_memcpy(thread.m_name, name.characters_without_null_termination(), length);
        thread.m_name[length] = 0;
    }

    Thread* pick_next()
    {
        for (usize i = priority_count; i-- > 0;) {
            if (auto* thread = s_run_queues[i].take_first())
                return thread;
        }
        return s_idle_thread;
    }

    // Interrupts off. Gives the processor to the best runnable thread (maybe the current one).
    void reschedule()
    {
        auto* previous = s_current;
        if (previous->m_state == Thread::State::Running) {
            previous->m_state = Thread::State::Runnable;
            if (!previous->m_is_idle)
                s_run_queues[index_of(previous->m_priority)].append(*previous);
        }
        s_need_reschedule = false;
        auto* next = pick_next();
        next->m_state = Thread::State::Running;
        if (next == previous)
            return;
        s_current = next;
        ++s_context_switches;
        Fpu::switch_to(next);
        switch_context(&previous->m_saved_stack_pointer, next->m_saved_stack_pointer);
    }

    void preempt_if_needed()
    {
        if (s_need_reschedule && !Interrupts::in_interrupt_handler())
            reschedule();
    }

    void make_runnable(Thread& thread)
    {
        thread.m_state = Thread::State::Runnable;
        s_run_queues[index_of(thread.m_priority)].append(thread);
        if (s_current->m_is_idle || thread.m_priority > s_current->m_priority)
            s_need_reschedule = true;
    }

    void on_interrupt_return()
    {
        if (s_need_reschedule)
            reschedule();
    }

    void on_slice_end(void*)
    {
        if (s_current->m_is_idle)
            return;
        for (usize i = index_of(s_current->m_priority); i < priority_count; ++i) {
            if (!s_run_queues[i].is_empty())
                s_need_reschedule = true;
        }
    }

    void on_timeout(void* context)
    {
        auto& thread = *static_cast<Thread*>(context);
        if (thread.m_state != Thread::State::Blocked)
            return;
        thread.m_queue_node.remove();
        thread.m_timed_out = true;
        make_runnable(thread);
    }

    // Interrupts off. Blocks without counting as parked.
    bool block_unparked(WaitQueue& queue, u64 deadline)
    {
        auto* thread = s_current;
        // Interrupt handlers and timer callbacks may wake threads but never wait.
        VERIFY(!thread->m_is_idle && !Interrupts::in_interrupt_handler());
        if (deadline != Hal::no_deadline && deadline <= Time::now_nanoseconds())
            return false;
        thread->m_timed_out = false;
        thread->m_state = Thread::State::Blocked;
        queue.append(*thread);
        if (deadline != Hal::no_deadline)
            Time::arm(thread->m_timeout, deadline, 0, on_timeout, thread);
        reschedule();
        Time::disarm(thread->m_timeout);
        return !thread->m_timed_out;
    }

    usize stop_target(ThreadGroupState& group)
    {
        bool stopper_is_member = group.stopper && group.stopper->m_group == &group;
        return group.members - (stopper_is_member ? 1 : 0);
    }

    void enter_parked(Thread& thread)
    {
        // A thread waiting inside a fault handler is in the middle of its code, not at a
        // safepoint: the stop waits until it gets to one.
        if (!thread.m_group || thread.m_in_fault_handler)
            return;
        ++thread.m_group->parked;
        notify_stopper_if_all_parked(*thread.m_group);
    }

    void leave_parked(Thread& thread)
    {
        auto* group = thread.m_group;
        if (!group || thread.m_in_fault_handler)
            return;
        while (group->stop_requested && group->stopper != &thread)
            block_unparked(group->resume_queue, Hal::no_deadline);
        --group->parked;
    }

    bool is_on_thread_stack(FlatPtr address, usize length)
    {
        for (auto& thread : s_all_threads) {
            auto low = reinterpret_cast<FlatPtr>(thread.m_stack);
            auto high = low + thread.m_stack_size;
            if (thread.m_stack && address >= low && address < high && length <= high - address)
                return true;
        }
        return false;
    }

    void idle_loop(void*)
    {
        for (;;)
            asm volatile("sti; hlt" ::: "memory");
    }

    ErrorOr<Thread*> create(
        Hal::ThreadEntry entry, void* argument, Hal::ThreadOptions const& options, bool is_idle)
    {
        auto* thread = new (std::nothrow) Thread;
        if (!thread)
            return Error::from_string_literal("out of memory for a thread");
        usize stack_size
            = (max(options.stack_size, minimum_stack_size) + Hal::page_size - 1) & ~(Hal::page_size - 1);
        auto reservation = Hal::reserve_range(stack_size + Hal::page_size);
        if (reservation.is_error()) {
            delete thread;
            return reservation.release_error();
        }
        auto range = reservation.value();
        if (auto mapped
            = Hal::map_zeroed(range.base + Hal::page_size, stack_size, Hal::Protection::ReadWrite);
            mapped.is_error()) {
            Hal::release_range(range);
            delete thread;
            return mapped.release_error();
        }
        thread->m_stack_reservation = range.base;
        thread->m_stack_reservation_size = range.size;
        thread->m_stack = reinterpret_cast<u8*>(range.base + Hal::page_size);
        thread->m_stack_size = stack_size;
        thread->m_entry = entry;
        thread->m_argument = argument;
        thread->m_priority = options.priority;
        thread->m_is_idle = is_idle;
        copy_name(*thread, options.name);

        // The frame switch_context pops: six callee-saved registers, then thread_trampoline as
        // the return address; it leaves rsp 16-byte aligned for the trampoline's call.
        auto top = (reinterpret_cast<FlatPtr>(thread->m_stack) + stack_size) & ~static_cast<FlatPtr>(15);
        auto* slots = reinterpret_cast<FlatPtr*>(top - 16);
        *--slots = reinterpret_cast<FlatPtr>(thread_trampoline);
        for (int i = 0; i < 6; ++i)
            *--slots = 0;
        thread->m_saved_stack_pointer = reinterpret_cast<FlatPtr>(slots);

        Interrupts::InterruptsDisabled guard;
        s_all_threads.append(*thread);
        if (options.group) {
            auto& group = *reinterpret_cast<ThreadGroupState*>(options.group);
            thread->m_group = &group;
            ++group.members;
            // A new thread counts as parked until it runs (and it parks first if stopped).
            ++group.parked;
        }
        if (!is_idle) {
            make_runnable(*thread);
            preempt_if_needed();
        }
        return thread;
    }

} // namespace

void initialize()
{
    Interrupts::InterruptsDisabled guard;
    s_boot_thread.m_stack = boot_stack_bottom;
    s_boot_thread.m_stack_size = static_cast<usize>(boot_stack_top - boot_stack_bottom);
    s_boot_thread.m_state = Thread::State::Running;
    copy_name(s_boot_thread, "boot"sv);
    s_all_threads.append(s_boot_thread);
    s_current = &s_boot_thread;

    Hal::ThreadOptions idle_options;
    idle_options.name = "idle"sv;
    idle_options.priority = ThreadPriority::Low;
    idle_options.stack_size = minimum_stack_size;
    s_idle_thread = MUST(create(idle_loop, nullptr, idle_options, true));
    s_idle_thread->m_state = Thread::State::Runnable;

    set_thread_stack_check(is_on_thread_stack);
    Interrupts::set_return_hook(on_interrupt_return);
    Time::arm(s_slice_timer, Time::now_nanoseconds() + time_slice_nanoseconds, time_slice_nanoseconds,
        on_slice_end, nullptr);
    logln("threads: preemptive scheduler, {} priorities, {} ms slices; boot code is now the thread \"boot\"",
        priority_count, time_slice_nanoseconds / Hal::nanoseconds_per_millisecond);
    Interrupts::enable();
}

void finish_boot_thread() { Hal::exit_thread(); }

Thread* current() { return s_current; }

bool block(WaitQueue& queue, u64 deadline)
{
    auto& thread = *s_current;
    enter_parked(thread);
    bool woken = block_unparked(queue, deadline);
    leave_parked(thread);
    return woken;
}

bool block_without_parking(WaitQueue& queue, u64 deadline) { return block_unparked(queue, deadline); }

bool wake_one(WaitQueue& queue)
{
    auto* thread = queue.take_first();
    if (!thread)
        return false;
    thread->m_timed_out = false;
    make_runnable(*thread);
    preempt_if_needed();
    return true;
}

void wake_all(WaitQueue& queue)
{
    while (auto* thread = queue.take_first()) {
        thread->m_timed_out = false;
        make_runnable(*thread);
    }
    preempt_if_needed();
}

void park_if_stopping()
{
    auto& thread = *s_current;
    if (!thread.m_group || !thread.m_group->stop_requested || thread.m_group->stopper == &thread)
        return;
    enter_parked(thread);
    leave_parked(thread);
}

void notify_stopper_if_all_parked(ThreadGroupState& group)
{
    if (group.stop_requested && group.parked >= stop_target(group))
        wake_all(group.stopper_queue);
}

u64 context_switch_count() { return s_context_switches; }

} // namespace Kernel::Scheduler

// Where every new thread starts (from thread_trampoline), interrupts still off.
extern "C" [[noreturn]] void thread_main()
{
    using namespace Kernel;
    auto& thread = *Scheduler::current();
    // Leave the "parked" count the thread was created in (parking first if stopped).
    Scheduler::leave_parked(thread);
    Interrupts::enable();
    thread.m_entry(thread.m_argument);
    Hal::exit_thread();
}

namespace Hal {

ErrorOr<Thread*> create_thread(ThreadEntry entry, void* argument, ThreadOptions const& options)
{
    VERIFY(entry);
    return Kernel::Scheduler::create(entry, argument, options, false);
}

void join_thread(Thread* thread)
{
    using namespace Kernel;
    VERIFY(thread && thread != Scheduler::current() && thread != &Scheduler::s_boot_thread);
    {
        Interrupts::InterruptsDisabled guard;
        while (thread->m_state != Thread::State::Finished)
            Scheduler::block(thread->m_joiners, no_deadline);
        thread->m_all_threads_node.remove();
    }
    // The thread switched away for good with interrupts off, so its stack is no longer in use.
    Hal::release_range({thread->m_stack_reservation, thread->m_stack_reservation_size});
    delete thread;
}

void exit_thread()
{
    using namespace Kernel;
    Interrupts::disable();
    auto& thread = *Scheduler::current();
    VERIFY(!thread.m_is_idle);
    if (auto* group = thread.m_group) {
        --group->members;
        thread.m_group = nullptr;
        Scheduler::notify_stopper_if_all_parked(*group);
    }
    thread.m_state = Thread::State::Finished;
    Fpu::forget(&thread);
    Scheduler::wake_all(thread.m_joiners);
    Scheduler::reschedule();
    VERIFY_NOT_REACHED();
}

Thread* current_thread() { return Kernel::Scheduler::current(); }

StringView thread_name(Thread const* thread)
{
    return StringView(thread->m_name, __builtin_strlen(thread->m_name));
}

void yield()
{
    Kernel::Interrupts::InterruptsDisabled guard;
    Kernel::Scheduler::reschedule();
}

void sleep_until(u64 deadline_ns)
{
    Kernel::Interrupts::InterruptsDisabled guard;
    Kernel::WaitQueue nobody_wakes_this;
    while (Kernel::Scheduler::block(nobody_wakes_this, deadline_ns)) { }
}

void sleep_for(u64 duration_ns) { sleep_until(monotonic_nanoseconds() + duration_ns); }

void safepoint()
{
    auto& thread = *Kernel::Scheduler::current();
    if (!thread.m_group || !thread.m_group->stop_requested)
        return;
    Kernel::Interrupts::InterruptsDisabled guard;
    Kernel::Scheduler::park_if_stopping();
}

} // namespace Hal
