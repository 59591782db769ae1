/*
 * kernel/pc/input/InputQueue.cpp: a fixed ring of input events. Producers may be interrupt
 * handlers, so both ends run with interrupts disabled (one processor).
 */
#include <base/Assertions.h>
#include <kernel/hal/Screen.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/input/InputQueue.h>

namespace Kernel {

namespace {

    constexpr usize queue_capacity = 512;

    struct Queue {
        Hal::InputEvent events[queue_capacity];
        usize head {0}; // the oldest event
        usize count {0};
        u64 dropped {0};
    };
    constinit Queue s_queue;

    constexpr usize maximum_pollers = 4;
    constinit InputPoller s_pollers[maximum_pollers] {};
    constinit usize s_poller_count {0};

    constinit Hal::Event* s_wake_up {nullptr};

} // namespace

void queue_input_event(Hal::InputEvent const& event)
{
    Interrupts::InterruptsDisabled disabled;
    if (s_queue.count == queue_capacity) {
        ++s_queue.dropped;
        return;
    }
    s_queue.events[(s_queue.head + s_queue.count) % queue_capacity] = event;
    ++s_queue.count;
    if (s_wake_up)
        s_wake_up->signal();
}

void add_input_poller(InputPoller poller)
{
    VERIFY(s_poller_count < maximum_pollers);
    s_pollers[s_poller_count++] = poller;
}

} // namespace Kernel

namespace Hal {

Optional<InputEvent> next_input_event()
{
    for (usize i = 0; i < Kernel::s_poller_count; ++i)
        Kernel::s_pollers[i]();
    Kernel::Interrupts::InterruptsDisabled disabled;
    auto& queue = Kernel::s_queue;
    if (queue.count == 0)
        return {};
    InputEvent event = queue.events[queue.head];
    queue.head = (queue.head + 1) % Kernel::queue_capacity;
    --queue.count;
    return event;
}

void set_input_wake_up(Event* wake_up)
{
    Kernel::Interrupts::InterruptsDisabled disabled;
    Kernel::s_wake_up = wake_up;
}

u64 dropped_input_events()
{
    Kernel::Interrupts::InterruptsDisabled disabled;
    return Kernel::s_queue.dropped;
}

} // namespace Hal
