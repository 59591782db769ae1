/*
 * kernel/hosted/HostedThreads.h: what the rest of the hosted port needs from its threads
 * beyond kernel/hal/Threads.h: the memory HAL marks the thread running a fault handler, so
 * that the handler's waits (a mutex, a disk read) do not count as parked for a safepoint
 * stop: a thread that faulted is in the middle of its code, not at a safepoint.
 */
#pragma once

namespace Hosted {

// Marks (or unmarks) the calling thread as running a Hal fault handler. Async-signal-safe.
void set_in_fault_handler(bool);

} // namespace Hosted
