/*
 * kernel/pc/time/Clock.h: the pc port's time: nanoseconds from the TSC (its frequency measured
 * against the PIT by BootClock), and a queue of timers driven by the local APIC timer in
 * one-shot mode, programmed for the earliest deadline. Timer callbacks run in interrupt
 * context. Hal::Timer (Time.h) is a thin wrapper over TimerEntry.
 */
#pragma once

#include <base/IntrusiveList.h>
#include <base/Types.h>

namespace Kernel::Time {

// Calibrates the local APIC timer against the TSC and installs its interrupt handler. Call
// after BootClock::finish_calibration() and Interrupts::initialize().
void initialize();

// Nanoseconds since kernel entry.
u64 now_nanoseconds();

// Local APIC timer ticks per second (after initialize()).
u64 local_timer_frequency_hz();

struct TimerEntry {
    using Callback = void (*)(void* context);

    IntrusiveListNode node;
    u64 deadline {0};
    u64 period {0};
    Callback callback {nullptr};
    void* context {nullptr};
};

// Arms `entry` (disarming it first if needed): once at `deadline`, then every `period` if nonzero.
void arm(TimerEntry& entry, u64 deadline, u64 period, TimerEntry::Callback, void* context);
// Disarms `entry`; harmless if it is not armed.
void disarm(TimerEntry& entry);

} // namespace Kernel::Time
