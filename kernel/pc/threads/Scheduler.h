/*
 * kernel/pc/threads/Scheduler.h: kernel threads of the pc port on one processor. A thread
 * runs until it blocks, yields, or its 10 ms slice ends while another thread of its
 * priority (or a higher one) is runnable; the highest priority runs first, round-robin
 * within a priority; an idle thread halts when nothing else can run. All scheduler state is
 * guarded by disabling interrupts.
 *
 * Blocking: a thread waits on a WaitQueue, optionally with a deadline (a Time::TimerEntry of
 * its own). Every block counts as "parked" for the thread's group (Hal::ThreadGroup), and a
 * thread that wakes up while its group is being stopped parks before going on.
 */
#pragma once

#include <base/IntrusiveList.h>
#include <base/StringView.h>
#include <kernel/hal/Threads.h>
#include <kernel/pc/time/Clock.h>

namespace Kernel {

struct ThreadGroupState;

} // namespace Kernel

namespace Hal {

class Thread {
public:
    enum class State : u8 {
        Runnable,
        Running,
        Blocked,
        Finished,
    };

    IntrusiveListNode m_queue_node; // in a run queue or a wait queue
    IntrusiveListNode m_all_threads_node;
    FlatPtr m_saved_stack_pointer {0};
    u8* m_stack {nullptr}; // owned unless this is the boot thread
    usize m_stack_size {0};
    // The stack's reservation: a guard page, then the stack (empty for the boot thread).
    FlatPtr m_stack_reservation {0};
    usize m_stack_reservation_size {0};
    State m_state {State::Runnable};
    ThreadPriority m_priority {ThreadPriority::Normal};
    bool m_is_idle {false};
    bool m_timed_out {false};
    // Inside a Hal fault handler (memory/VirtualMemory.cpp): a nested fault is not handled.
    bool m_in_fault_handler {false};
    char m_name[32] {};
    ThreadEntry m_entry {nullptr};
    void* m_argument {nullptr};
    Kernel::ThreadGroupState* m_group {nullptr};
    Kernel::Time::TimerEntry m_timeout;
    // The thread's x87/SSE state while another thread owns the FPU (cpu/Fpu.h): an FXSAVE
    // image at the first 16-byte boundary of m_fpu_area, valid once m_fpu_used.
    u8 m_fpu_area[512 + 15];
    bool m_fpu_used {false};
    IntrusiveList<Thread, &Thread::m_queue_node> m_joiners;
};

} // namespace Hal

namespace Kernel {

using WaitQueue = IntrusiveList<Hal::Thread, &Hal::Thread::m_queue_node>;

// The port's state of a Hal::ThreadGroup.
struct ThreadGroupState {
    usize members {0};
    usize parked {0};
    bool stop_requested {false};
    Hal::Thread* stopper {nullptr};
    WaitQueue stopper_queue;
    WaitQueue resume_queue;
};

namespace Scheduler {

    // Turns the running boot code into the thread "boot", creates the idle thread and starts
    // preemption; enables interrupts. Call after Time::initialize().
    void initialize();
    // Ends the boot thread: kernel_main() ends here; the other threads and the idle thread go on.
    [[noreturn]] void finish_boot_thread();

    Hal::Thread* current();

    // Interrupts must be off. Blocks the current thread on `queue` until woken or (with a
    // deadline) until the deadline; false on timeout.
    bool block(WaitQueue& queue, u64 deadline);
    // As block(), but the wait does not count as parked (the group stopper's own wait).
    bool block_without_parking(WaitQueue& queue, u64 deadline);
    // Interrupts must be off. Wakes the first thread of `queue`; false if it was empty.
    bool wake_one(WaitQueue& queue);
    // Interrupts must be off. Wakes every thread of `queue`.
    void wake_all(WaitQueue& queue);
    // Interrupts must be off. Parks the current thread while its group is being stopped.
    void park_if_stopping();
    // Interrupts must be off: a group member ended or the stop condition may have changed.
    void notify_stopper_if_all_parked(ThreadGroupState&);

    // How many context switches happened since boot.
    u64 context_switch_count();

} // namespace Scheduler

} // namespace Kernel
