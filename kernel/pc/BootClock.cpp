/*
 * kernel/pc/BootClock.cpp: PIT-based TSC calibration. Channel 2 counts down from 0xFFFF in
 * mode 0 while its gate (port 0x61 bit 0) is high; its output (port 0x61 bit 5) rises when
 * the count reaches zero, after 55 ms. The count and the TSC are read at the start and at
 * the end; their ratio is the TSC frequency. QEMU emulates the PIT's 1.193182 MHz clock
 * against the host clock, under TCG and KVM alike.
 */
#include <kernel/pc/BootClock.h>
#include <kernel/pc/cpu/Io.h>

extern "C" u64 boot_entry_tsc;

namespace Kernel::BootClock {

namespace {

    constexpr u64 pit_frequency_hz = 1193182;
    constexpr u64 minimum_calibration_ticks = pit_frequency_hz * 3 / 1000; // 3 ms
    constexpr u16 full_count = 0xFFFF;
    constexpr u16 pit_channel2_data = 0x42;
    constexpr u16 pit_command = 0x43;
    constexpr u16 system_control_port_b = 0x61;
    constexpr u8 channel2_gate = 0x01;
    constexpr u8 speaker_enable = 0x02;
    constexpr u8 channel2_output = 0x20;
    constexpr u8 channel2_mode0_lobyte_hibyte = 0xB0;
    constexpr u8 channel2_latch = 0x80;
    // Without a working PIT the count never moves; give up after this many TSC ticks.
    constexpr u64 give_up_ticks = 1ull << 34;
    constexpr u64 fallback_frequency_hz = 1'000'000'000;

    u64 s_tsc_frequency_hz = fallback_frequency_hz;
    u64 s_start_tsc;
    u8 s_original_port_b;

    void start_channel2()
    {
        s_original_port_b = Cpu::in8(system_control_port_b);
        Cpu::out8(system_control_port_b, (s_original_port_b & ~speaker_enable) | channel2_gate);
        Cpu::out8(pit_command, channel2_mode0_lobyte_hibyte);
        Cpu::out8(pit_channel2_data, full_count & 0xFF);
        Cpu::out8(pit_channel2_data, full_count >> 8);
        s_start_tsc = Cpu::read_tsc();
    }

    u16 read_channel2()
    {
        Cpu::out8(pit_command, channel2_latch);
        u8 low = Cpu::in8(pit_channel2_data);
        u8 high = Cpu::in8(pit_channel2_data);
        return static_cast<u16>((high << 8) | low);
    }

    bool channel2_expired() { return Cpu::in8(system_control_port_b) & channel2_output; }

} // namespace

void start_calibration() { start_channel2(); }

void finish_calibration()
{
    // Restarted once if the boot took longer than the counter's 55 ms.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (channel2_expired()) {
            start_channel2();
            continue;
        }
        u64 elapsed_ticks = 0;
        u64 end_tsc = 0;
        do {
            elapsed_ticks = full_count - read_channel2();
            end_tsc = Cpu::read_tsc();
        } while (elapsed_ticks < minimum_calibration_ticks && end_tsc - s_start_tsc < give_up_ticks);
        if (elapsed_ticks >= minimum_calibration_ticks && !channel2_expired())
            s_tsc_frequency_hz = (end_tsc - s_start_tsc) * pit_frequency_hz / elapsed_ticks;
        break;
    }
    Cpu::out8(system_control_port_b, s_original_port_b);
}

u64 tsc_frequency_hz() { return s_tsc_frequency_hz; }

u64 entry_tsc() { return boot_entry_tsc; }

u64 ticks_to_microseconds(u64 ticks)
{
    // Split to avoid overflowing 64 bits for long uptimes.
    return ticks / s_tsc_frequency_hz * 1'000'000
        + ticks % s_tsc_frequency_hz * 1'000'000 / s_tsc_frequency_hz;
}

u64 milliseconds_since_entry() { return ticks_to_microseconds(Cpu::read_tsc() - boot_entry_tsc) / 1000; }

} // namespace Kernel::BootClock
