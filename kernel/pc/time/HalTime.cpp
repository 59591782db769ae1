/*
 * kernel/pc/time/HalTime.cpp: kernel/hal/Time.h for the pc port, over Clock and the RTC.
 */
#include <kernel/hal/Time.h>
#include <kernel/pc/time/Clock.h>
#include <kernel/pc/time/Rtc.h>
#include <new>

namespace Hal {

namespace {

    // The wall clock at monotonic time s_boot_monotonic, read from the RTC on first use.
    u64 s_boot_wall_clock;
    u64 s_boot_monotonic;
    bool s_wall_clock_read;

    Kernel::Time::TimerEntry& entry_of(u8* storage)
    {
        return *reinterpret_cast<Kernel::Time::TimerEntry*>(storage);
    }

} // namespace

u64 monotonic_nanoseconds() { return Kernel::Time::now_nanoseconds(); }

u64 wall_clock_nanoseconds()
{
    if (!s_wall_clock_read) {
        s_boot_wall_clock = unix_seconds_from_date_time(Kernel::Rtc::read()) * nanoseconds_per_second;
        s_boot_monotonic = monotonic_nanoseconds();
        s_wall_clock_read = true;
    }
    return s_boot_wall_clock + (monotonic_nanoseconds() - s_boot_monotonic);
}

static_assert(sizeof(Kernel::Time::TimerEntry) <= 64);

Timer::Timer() { new (m_storage) Kernel::Time::TimerEntry; }

Timer::~Timer()
{
    cancel();
    entry_of(m_storage).~TimerEntry();
}

void Timer::start_once(u64 deadline_ns, Callback callback, void* context)
{
    Kernel::Time::arm(entry_of(m_storage), deadline_ns, 0, callback, context);
}

void Timer::start_periodic(u64 period_ns, Callback callback, void* context)
{
    VERIFY(period_ns > 0);
    Kernel::Time::arm(entry_of(m_storage), monotonic_nanoseconds() + period_ns, period_ns, callback, context);
}

void Timer::cancel() { Kernel::Time::disarm(entry_of(m_storage)); }

bool Timer::is_armed() const { return entry_of(const_cast<u8*>(m_storage)).node.is_in_list(); }

} // namespace Hal
