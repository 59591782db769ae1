/*
 * kernel/pc/time/Rtc.h: the CMOS real-time clock (MC146818 as QEMU emulates it, UTC by
 * default), read once at boot for the wall clock.
 */
#pragma once

#include <base/Types.h>
#include <kernel/hal/Time.h>

namespace Kernel::Rtc {

// The RTC's date and time, read consistently (twice, outside an update cycle).
Hal::DateTime read();

} // namespace Kernel::Rtc
