/*
 * kernel/pc/BootClock.h: time since kernel entry, for `phantom: ready in <N> ms`.
 *
 * Boot.S reads the TSC in the first instructions of both entry points; calibrate() measures
 * the TSC frequency against the PIT (channel 2, 5 ms, no interrupts needed).
 */
#pragma once

#include <base/Types.h>

namespace Kernel::BootClock {

// Busy-waits about 5 ms.
void calibrate();

u64 tsc_frequency_hz();
// The TSC value at kernel entry.
u64 entry_tsc();
u64 milliseconds_since_entry();
// TSC ticks converted with the calibrated frequency.
u64 ticks_to_microseconds(u64 ticks);

} // namespace Kernel::BootClock
