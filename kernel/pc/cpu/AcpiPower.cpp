/*
 * kernel/pc/cpu/AcpiPower.cpp: kernel/hal/Power.h on pc. The FADT names the PM1 event and
 * control registers and the SCI interrupt; pressing the power button (QEMU: QMP
 * `system_powerdown`) sets PWRBTN_STS and raises the SCI, which records the request.
 * Power off writes SLP_TYP (from the DSDT's \_S5 package) with SLP_EN to PM1a_CNT.
 */
#include <base/Log.h>
#include <kernel/hal/Power.h>
#include <kernel/pc/cpu/Acpi.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>

namespace Kernel::Acpi {

namespace {

    // FADT field offsets (ACPI 1.0 layout, which every later revision keeps).
    constexpr usize fadt_dsdt = 40;
    constexpr usize fadt_sci_interrupt = 46;
    constexpr usize fadt_smi_command = 48;
    constexpr usize fadt_acpi_enable = 52;
    constexpr usize fadt_pm1a_event_block = 56;
    constexpr usize fadt_pm1a_control_block = 64;
    constexpr usize fadt_pm1_event_length = 88;

    constexpr u16 power_button_bit = 1u << 8; // PWRBTN_STS / PWRBTN_EN
    constexpr u16 sci_enabled_bit = 1u << 0;  // SCI_EN in PM1_CNT
    constexpr u16 sleep_enable_bit = 1u << 13;

    struct PowerState {
        bool available {false};
        u16 event_status_port {0};
        u16 event_enable_port {0};
        u16 control_port {0};
        u16 sleep_type_s5 {0};
        bool requested {false};
    };

    // Port state, set up once at boot.
    PowerState s_power;
    Hal::Event s_shutdown_event;

    Hal::Event& shutdown_event() { return s_shutdown_event; }

    template<typename T> T read(FlatPtr address)
    {
        T value;
        __builtin_memcpy(&value, reinterpret_cast<void const*>(address), sizeof(T));
        return value;
    }

    // The SLP_TYPa value of \_S5 in the DSDT: `_S5_`, PackageOp (0x12), PkgLength,
    // NumElements, then the first element as a ByteConst (0x0A nn) or Zero/One.
    Optional<u16> find_s5_sleep_type(FlatPtr dsdt)
    {
        if (!dsdt || dsdt >= 0x1'0000'0000
            || __builtin_memcmp(reinterpret_cast<void const*>(dsdt), "DSDT", 4) != 0)
            return {};
        u32 length = read<u32>(dsdt + 4);
        for (FlatPtr at = dsdt + 36; at + 8 < dsdt + length; ++at) {
            if (__builtin_memcmp(reinterpret_cast<void const*>(at), "_S5_", 4) != 0)
                continue;
            FlatPtr cursor = at + 4;
            if (read<u8>(cursor) != 0x12)
                continue;
            ++cursor;
            // PkgLength: bits 6..7 of the first byte count the bytes that follow.
            cursor += 1 + (read<u8>(cursor) >> 6);
            ++cursor; // NumElements
            u8 element = read<u8>(cursor);
            if (element == 0x0A)
                return read<u8>(cursor + 1);
            if (element == 0x00 || element == 0x01)
                return element;
            return {};
        }
        return {};
    }

    void handle_sci(void*)
    {
        u16 status = Cpu::in16(s_power.event_status_port);
        if (!(status & power_button_bit))
            return;
        // Write-one-to-clear, so the level-triggered SCI drops before the EOI.
        Cpu::out16(s_power.event_status_port, power_button_bit);
        if (!__atomic_exchange_n(&s_power.requested, true, __ATOMIC_ACQ_REL))
            shutdown_event().signal();
    }

} // namespace

void initialize_power()
{
    FlatPtr fadt = find_table("FACP");
    if (!fadt) {
        logln("acpi: no FADT; there is no power button and power off halts");
        return;
    }
    u16 sci = read<u16>(fadt + fadt_sci_interrupt);
    u32 smi_command = read<u32>(fadt + fadt_smi_command);
    u8 acpi_enable = read<u8>(fadt + fadt_acpi_enable);
    u32 event_block = read<u32>(fadt + fadt_pm1a_event_block);
    u32 control_block = read<u32>(fadt + fadt_pm1a_control_block);
    u8 event_length = read<u8>(fadt + fadt_pm1_event_length);
    if (!event_block || !control_block || event_length < 4 || event_block > 0xFFFF || control_block > 0xFFFF
        || sci > 15) {
        logln("acpi: the FADT has no usable PM1 registers; there is no power button");
        return;
    }
    s_power.event_status_port = static_cast<u16>(event_block);
    s_power.event_enable_port = static_cast<u16>(event_block + event_length / 2);
    s_power.control_port = static_cast<u16>(control_block);
    auto sleep_type = find_s5_sleep_type(read<u32>(fadt + fadt_dsdt));
    s_power.sleep_type_s5 = sleep_type.value_or(0);

    // Firmware may leave the machine in legacy mode: ask it for ACPI mode (SCI_EN).
    if (!(Cpu::in16(s_power.control_port) & sci_enabled_bit) && smi_command && acpi_enable) {
        Cpu::out8(static_cast<u16>(smi_command), acpi_enable);
        u64 deadline = Hal::monotonic_nanoseconds() + 300 * Hal::nanoseconds_per_millisecond;
        while (
            !(Cpu::in16(s_power.control_port) & sci_enabled_bit) && Hal::monotonic_nanoseconds() < deadline)
            Cpu::pause();
    }
    Cpu::out16(s_power.event_status_port, power_button_bit);
    if (auto routed = Interrupts::route_isa_irq(static_cast<u8>(sci), handle_sci, nullptr);
        routed.is_error()) {
        logln("acpi: cannot route the SCI (IRQ {}): {}; there is no power button", sci, routed.error());
        return;
    }
    Cpu::out16(s_power.event_enable_port, power_button_bit);
    s_power.available = true;
    logln("acpi: power button on IRQ {}, S5 sleep type {}{}", sci, s_power.sleep_type_s5,
        sleep_type.has_value() ? ""sv : " (assumed: no \\_S5 found)"sv);
}

} // namespace Kernel::Acpi

namespace Hal {

bool wait_for_shutdown_request(u64 deadline_ns)
{
    if (is_shutdown_requested())
        return true;
    if (!Kernel::Acpi::shutdown_event().wait(deadline_ns))
        return is_shutdown_requested();
    // Consumed by this waiter: pass it on to any other.
    Kernel::Acpi::shutdown_event().signal();
    return true;
}

bool is_shutdown_requested() { return __atomic_load_n(&Kernel::Acpi::s_power.requested, __ATOMIC_ACQUIRE); }

void request_shutdown()
{
    if (!__atomic_exchange_n(&Kernel::Acpi::s_power.requested, true, __ATOMIC_ACQ_REL))
        Kernel::Acpi::shutdown_event().signal();
}

void power_off()
{
    logln("powering off");
    Kernel::Interrupts::disable();
    if (Kernel::Acpi::s_power.control_port != 0)
        Kernel::Cpu::out16(Kernel::Acpi::s_power.control_port,
            static_cast<u16>((Kernel::Acpi::s_power.sleep_type_s5 << 10) | Kernel::Acpi::sleep_enable_bit));
    logln("power off did not take effect; halting");
    Kernel::Cpu::halt_forever();
}

} // namespace Hal
