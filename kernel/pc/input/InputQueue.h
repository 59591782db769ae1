/*
 * kernel/pc/input/InputQueue.h: the pc side of kernel/hal/Input.h. Drivers (PS/2,
 * virtio-input) add events with queue_input_event(), from interrupt handlers or not; the
 * OS essence takes them with Hal::next_input_event(). Drivers that have no interrupt (yet)
 * register a poller, which Hal::next_input_event() runs before looking at the queue.
 */
#pragma once

#include <kernel/hal/Input.h>

namespace Kernel {

// Appends an event, or counts it as dropped when the queue is full. Any context.
void queue_input_event(Hal::InputEvent const&);

using InputPoller = void (*)();
// Makes Hal::next_input_event() call `poller` first (at most a few pollers).
void add_input_poller(InputPoller);

} // namespace Kernel
