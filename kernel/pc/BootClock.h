/*
 * kernel/pc/BootClock.h: time since kernel entry, for `phantom: ready in <N> ms`.
 *
 * Boot.S reads the TSC in the first instructions of both entry points. The TSC frequency is
 * measured against the PIT's channel 2 (no interrupts needed): start_calibration() sets it
 * counting, the boot goes on meanwhile, and finish_calibration() reads how far it got,
 * busy-waiting only if less than 3 ms have passed. Until then tsc_frequency_hz() is a guess.
 */
#pragma once

#include <base/Types.h>

namespace Kernel::BootClock {

void start_calibration();
void finish_calibration();

u64 tsc_frequency_hz();
// The TSC value at kernel entry.
u64 entry_tsc();
u64 milliseconds_since_entry();
// TSC ticks converted with the calibrated frequency.
u64 ticks_to_microseconds(u64 ticks);

} // namespace Kernel::BootClock
