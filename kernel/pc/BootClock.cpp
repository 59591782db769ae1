/*
 * kernel/pc/BootClock.cpp: PIT-based TSC calibration. Channel 2 counts down in mode 0 while
 * its gate (port 0x61 bit 0) is high, and its output shows in port 0x61 bit 5 when the count
 * reaches zero; the TSC ticks counted meanwhile give the frequency. The PIT's 1.193182 MHz
 * clock is emulated against the host clock by QEMU, under TCG and KVM alike.
 */
#include <kernel/pc/BootClock.h>
#include <kernel/pc/cpu/Io.h>

extern "C" u64 boot_entry_tsc;

namespace Kernel::BootClock {

namespace {

    constexpr u64 pit_frequency_hz = 1193182;
    constexpr u64 calibration_milliseconds = 5;
    constexpr u16 pit_channel2_data = 0x42;
    constexpr u16 pit_command = 0x43;
    constexpr u16 system_control_port_b = 0x61;
    constexpr u8 channel2_gate = 0x01;
    constexpr u8 speaker_enable = 0x02;
    constexpr u8 channel2_output = 0x20;
    constexpr u8 channel2_mode0_lobyte_hibyte = 0xB0;
    // Without a PIT the output never rises; give up after this many TSC ticks.
    constexpr u64 calibration_give_up_ticks = 1ull << 34;
    constexpr u64 fallback_frequency_hz = 1'000'000'000;

    u64 s_tsc_frequency_hz = fallback_frequency_hz;

} // namespace

void calibrate()
{
    constexpr u64 count = pit_frequency_hz * calibration_milliseconds / 1000;
    static_assert(count <= 0xFFFF);

    u8 original = Cpu::in8(system_control_port_b);
    Cpu::out8(system_control_port_b, (original & ~speaker_enable) | channel2_gate);
    Cpu::out8(pit_command, channel2_mode0_lobyte_hibyte);
    Cpu::out8(pit_channel2_data, count & 0xFF);
    Cpu::out8(pit_channel2_data, count >> 8);
    u64 start = Cpu::read_tsc();
    u64 end = start;
    while (!(Cpu::in8(system_control_port_b) & channel2_output)) {
        end = Cpu::read_tsc();
        if (end - start > calibration_give_up_ticks)
            break;
    }
    end = Cpu::read_tsc();
    Cpu::out8(system_control_port_b, original);

    if (end - start < calibration_give_up_ticks)
        s_tsc_frequency_hz = (end - start) * pit_frequency_hz / count;
}

u64 tsc_frequency_hz() { return s_tsc_frequency_hz; }

u64 entry_tsc() { return boot_entry_tsc; }

u64 ticks_to_microseconds(u64 ticks)
{
    // Split to avoid overflowing 64 bits for long uptimes.
    return ticks / s_tsc_frequency_hz * 1'000'000 + ticks % s_tsc_frequency_hz * 1'000'000 / s_tsc_frequency_hz;
}

u64 milliseconds_since_entry() { return ticks_to_microseconds(Cpu::read_tsc() - boot_entry_tsc) / 1000; }

} // namespace Kernel::BootClock
