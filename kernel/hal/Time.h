/*
 * kernel/hal/Time.h: time as the hardware layer offers it: a monotonic nanosecond clock,
 * timers that call back at a deadline (once or periodically), and the wall clock (UTC) with
 * a calendar conversion. pc: TSC calibrated against the PIT, the local APIC timer, the CMOS
 * RTC; hosted: clock_gettime and a timer thread.
 */
#pragma once

#include <base/Types.h>

namespace Hal {

constexpr u64 nanoseconds_per_millisecond = 1'000'000;
constexpr u64 nanoseconds_per_second = 1'000'000'000;

// Nanoseconds since an arbitrary moment at boot; never goes backwards.
u64 monotonic_nanoseconds();

// Nanoseconds since 1970-01-01 00:00:00 UTC (pc: the RTC read at boot plus the monotonic clock).
u64 wall_clock_nanoseconds();

// A calendar date and time of day, UTC.
struct DateTime {
    u32 year {1970};
    u8 month {1}; // 1..12
    u8 day {1};   // 1..31
    u8 hour {0};
    u8 minute {0};
    u8 second {0};
};

// Days since 1970-01-01 of a proleptic Gregorian date (valid for years 1970..).
constexpr u64 days_from_civil(u32 year, u32 month, u32 day)
{
    // Count from March 1st, so the leap day is the last day of its "year".
    u32 shifted_year = month <= 2 ? year - 1 : year;
    u32 era = shifted_year / 400;
    u32 year_of_era = shifted_year - era * 400;
    u32 month_from_march = month > 2 ? month - 3 : month + 9;
    u32 day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    u32 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return static_cast<u64>(era) * 146097 + day_of_era - 719468;
}

// Seconds since the Unix epoch of a date and time (UTC).
constexpr u64 unix_seconds_from_date_time(DateTime const& time)
{
    return days_from_civil(time.year, time.month, time.day) * 86400 + time.hour * 3600u + time.minute * 60u
        + time.second;
}

// The date and time (UTC) of a count of seconds since the Unix epoch.
constexpr DateTime date_time_from_unix_seconds(u64 seconds)
{
    u64 days = seconds / 86400 + 719468;
    u64 seconds_of_day = seconds % 86400;
    u64 era = days / 146097;
    u64 day_of_era = days - era * 146097;
    u64 year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    u64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    u64 month_from_march = (5 * day_of_year + 2) / 153;
    DateTime result;
    result.day = static_cast<u8>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    result.month = static_cast<u8>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    result.year = static_cast<u32>(year_of_era + era * 400 + (result.month <= 2 ? 1 : 0));
    result.hour = static_cast<u8>(seconds_of_day / 3600);
    result.minute = static_cast<u8>(seconds_of_day / 60 % 60);
    result.second = static_cast<u8>(seconds_of_day % 60);
    return result;
}

// The current date and time, UTC.
inline DateTime current_date_time()
{
    return date_time_from_unix_seconds(wall_clock_nanoseconds() / nanoseconds_per_second);
}

// A callback at a monotonic deadline, once or periodically. Callbacks run in interrupt context
// (pc) or on the timer thread (hosted): they must be short and must not block; signalling an
// Event is the way to wake a thread. The object must outlive its arming (destroy cancels).
class Timer {
public:
    using Callback = void (*)(void* context);

    Timer();
    ~Timer();
    Timer(Timer const&) = delete;
    Timer& operator=(Timer const&) = delete;

    // Calls `callback(context)` once when monotonic_nanoseconds() reaches `deadline_ns`; re-arms an armed
    // timer.
    void start_once(u64 deadline_ns, Callback callback, void* context);
    // Calls `callback(context)` every `period_ns` (> 0), the first time one period from now.
    void start_periodic(u64 period_ns, Callback callback, void* context);
    // Disarms; once it returns the callback is not running and will not run (unless re-armed).
    void cancel();
    // Whether the timer is armed.
    bool is_armed() const;

private:
    alignas(16) u8 m_storage[64];
};

} // namespace Hal
