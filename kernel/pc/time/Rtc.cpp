/*
 * kernel/pc/time/Rtc.cpp: CMOS RTC reading: wait for no update in progress, read every
 * field, repeat until two reads agree; convert BCD and 12-hour formats as status register B says.
 */
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/time/Rtc.h>

namespace Kernel::Rtc {

namespace {

    constexpr u16 index_port = 0x70;
    constexpr u16 data_port = 0x71;
    constexpr u8 status_a = 0x0A;
    constexpr u8 status_b = 0x0B;
    constexpr u8 update_in_progress = 0x80;
    constexpr u8 binary_mode = 0x04;
    constexpr u8 twenty_four_hour_mode = 0x02;
    constexpr u8 century_register = 0x32; // as the ACPI FADT of QEMU names it

    u8 read_register(u8 index)
    {
        Cpu::out8(index_port, index);
        return Cpu::in8(data_port);
    }

    struct RawTime {
        u8 second, minute, hour, day, month, year, century;
        bool operator==(RawTime const&) const = default;
    };

    RawTime read_raw()
    {
        while (read_register(status_a) & update_in_progress)
            Cpu::pause();
        return {read_register(0x00), read_register(0x02), read_register(0x04), read_register(0x07),
            read_register(0x08), read_register(0x09), read_register(century_register)};
    }

    u8 from_bcd(u8 value) { return static_cast<u8>((value >> 4) * 10 + (value & 0x0F)); }

} // namespace

Hal::DateTime read()
{
    Interrupts::InterruptsDisabled guard;
    RawTime raw = read_raw();
    for (int attempt = 0; attempt < 8; ++attempt) {
        RawTime again = read_raw();
        if (again == raw)
            break;
        raw = again;
    }
    u8 format = read_register(status_b);
    bool pm = raw.hour & 0x80;
    raw.hour &= 0x7F;
    if (!(format & binary_mode)) {
        raw.second = from_bcd(raw.second);
        raw.minute = from_bcd(raw.minute);
        raw.hour = from_bcd(raw.hour);
        raw.day = from_bcd(raw.day);
        raw.month = from_bcd(raw.month);
        raw.year = from_bcd(raw.year);
        raw.century = from_bcd(raw.century);
    }
    if (!(format & twenty_four_hour_mode)) {
        raw.hour %= 12;
        if (pm)
            raw.hour += 12;
    }
    u32 century = raw.century >= 19 && raw.century <= 30 ? raw.century : 20;
    Hal::DateTime result;
    result.year = century * 100 + raw.year;
    result.month = raw.month;
    result.day = raw.day;
    result.hour = raw.hour;
    result.minute = raw.minute;
    result.second = raw.second;
    return result;
}

} // namespace Kernel::Rtc
