/*
 * kernel/pc/time/Clock.cpp: TSC nanoseconds and the local APIC timer queue. The queue is a
 * list sorted by deadline; the timer is always programmed for its head. Everything that
 * touches the queue runs with interrupts off (one processor).
 */
#include <base/Log.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/BootClock.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/time/Clock.h>

namespace Kernel::Time {

namespace {

    enum LocalApicTimerRegister : u32 {
        LvtTimer = 0x320,
        InitialCount = 0x380,
        CurrentCount = 0x390,
        DivideConfiguration = 0x3E0,
    };
    constexpr u32 divide_by_16 = 0x3;
    constexpr u32 lvt_masked = 1 << 16;

    using TimerQueue = IntrusiveList<TimerEntry, &TimerEntry::node>;
    TimerQueue s_queue;
    // now_nanoseconds() = (tsc - entry tsc) * s_scale >> 32.
    u64 s_scale;
    u64 s_local_timer_frequency_hz;
    // Local timer counts per nanosecond, times 2^32.
    u64 s_timer_scale;

    u64 ticks_to_nanoseconds(u64 ticks)
    {
        return static_cast<u64>((static_cast<unsigned __int128>(ticks) * s_scale) >> 32);
    }

    void program_local_timer()
    {
        auto* first = s_queue.first();
        if (!first) {
            Interrupts::write_local_apic(InitialCount, 0);
            return;
        }
        u64 now = now_nanoseconds();
        u64 delta = first->deadline > now ? first->deadline - now : 0;
        u64 count = static_cast<u64>((static_cast<unsigned __int128>(delta) * s_timer_scale) >> 32);
        if (count == 0)
            count = 1;
        if (count > 0xFFFF'FFFF)
            count = 0xFFFF'FFFF;
        Interrupts::write_local_apic(InitialCount, static_cast<u32>(count));
    }

    void insert_sorted(TimerEntry& entry)
    {
        for (auto& other : s_queue) {
            if (other.deadline > entry.deadline) {
                s_queue.insert_before(other, entry);
                return;
            }
        }
        s_queue.append(entry);
    }

    void handle_local_timer(void*)
    {
        for (;;) {
            auto* entry = s_queue.first();
            if (!entry)
                break;
            u64 now = now_nanoseconds();
            if (entry->deadline > now)
                break;
            entry->node.remove();
            if (entry->period) {
                entry->deadline += entry->period;
                if (entry->deadline <= now)
                    entry->deadline = now + entry->period;
                insert_sorted(*entry);
            }
            entry->callback(entry->context);
        }
        program_local_timer();
    }

    void calibrate_local_timer()
    {
        Interrupts::write_local_apic(DivideConfiguration, divide_by_16);
        Interrupts::write_local_apic(LvtTimer, lvt_masked);
        u64 frequency = BootClock::tsc_frequency_hz();
        u64 wait_ticks = frequency / 100; // 10 ms
        Interrupts::write_local_apic(InitialCount, 0xFFFF'FFFF);
        u64 start = Cpu::read_tsc();
        while (Cpu::read_tsc() - start < wait_ticks)
            Cpu::pause();
        u32 remaining = Interrupts::read_local_apic(CurrentCount);
        u64 elapsed_tsc = Cpu::read_tsc() - start;
        Interrupts::write_local_apic(InitialCount, 0);
        u64 counted = 0xFFFF'FFFFull - remaining;
        s_local_timer_frequency_hz = counted * frequency / elapsed_tsc;
        if (s_local_timer_frequency_hz == 0)
            s_local_timer_frequency_hz = 62'500'000;
        s_timer_scale = (s_local_timer_frequency_hz << 32) / 1'000'000'000;
    }

} // namespace

void initialize()
{
    s_scale = (1'000'000'000ull << 32) / BootClock::tsc_frequency_hz();
    calibrate_local_timer();
    Interrupts::set_vector_handler(Interrupts::local_timer_vector, handle_local_timer, nullptr);
    // One-shot mode (bits 17..18 zero), unmasked.
    Interrupts::write_local_apic(LvtTimer, Interrupts::local_timer_vector);
    logln("time: local apic timer {}.{:03} MHz (divide 16, calibrated against the tsc), one-shot",
        s_local_timer_frequency_hz / 1'000'000, s_local_timer_frequency_hz / 1000 % 1000);
    // Reads the RTC now, before there are threads to race for the first reading.
    auto date = Hal::current_date_time();
    logln("time: wall clock {}-{:02}-{:02} {:02}:{:02}:{:02} UTC (cmos rtc)", date.year, date.month, date.day,
        date.hour, date.minute, date.second);
}

u64 now_nanoseconds() { return ticks_to_nanoseconds(Cpu::read_tsc() - BootClock::entry_tsc()); }

u64 local_timer_frequency_hz() { return s_local_timer_frequency_hz; }

void arm(TimerEntry& entry, u64 deadline, u64 period, TimerEntry::Callback callback, void* context)
{
    VERIFY(callback);
    Interrupts::InterruptsDisabled guard;
    entry.node.remove();
    entry.deadline = deadline;
    entry.period = period;
    entry.callback = callback;
    entry.context = context;
    insert_sorted(entry);
    if (s_queue.first() == &entry)
        program_local_timer();
}

void disarm(TimerEntry& entry)
{
    Interrupts::InterruptsDisabled guard;
    entry.node.remove();
}

} // namespace Kernel::Time
