/*
 * kernel/pc/devices/SerialConsoleInput.cpp: COM1's receive side (SerialConsoleInput.h).
 */
#include <base/Log.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/devices/SerialConsoleInput.h>

namespace Kernel {

namespace {

    enum Register : u16 {
        Data = 0,
        InterruptEnable = 1,
        InterruptIdentification = 2,
        ModemControl = 4,
        LineStatus = 5,
    };

    constexpr u8 enable_receive = 1;
    constexpr u8 line_status_data_ready = 1;
    // DTR, RTS and OUT2 (OUT2 gates the UART's interrupt line on PCs).
    constexpr u8 modem_control_with_interrupts = 0x0B;
    constexpr u64 poll_interval_ns = 10 * Hal::nanoseconds_per_millisecond;

    u16 port(Register offset) { return static_cast<u16>(SerialConsoleInput::com1_io_base + offset); }

} // namespace

ErrorOr<void> SerialConsoleInput::initialize()
{
    auto routed = Interrupts::route_isa_irq(com1_isa_irq, handle_interrupt, this);
    if (routed.is_error()) {
        logln("console: COM1 IRQ {} not routed ({}); polling the input", com1_isa_irq, routed.error());
        return {};
    }
    Interrupts::InterruptsDisabled guard;
    m_interrupt_driven = true;
    Cpu::out8(port(ModemControl), modem_control_with_interrupts);
    receive();
    return {};
}

void SerialConsoleInput::update_interrupt_enable()
{
    if (!m_interrupt_driven)
        return;
    bool wanted = !m_ring.is_full();
    if (wanted != m_receive_enabled) {
        m_receive_enabled = wanted;
        Cpu::out8(port(InterruptEnable), wanted ? enable_receive : 0);
    }
}

void SerialConsoleInput::receive()
{
    while (!m_ring.is_full() && (Cpu::in8(port(LineStatus)) & line_status_data_ready)) {
        u8 byte = Cpu::in8(port(Data));
        m_ring.push(ReadonlyBytes(&byte, 1));
    }
    update_interrupt_enable();
}

void SerialConsoleInput::handle_interrupt(void* context)
{
    auto* input = static_cast<SerialConsoleInput*>(context);
    (void)Cpu::in8(port(InterruptIdentification));
    input->receive();
    input->m_received.signal();
}

usize SerialConsoleInput::read(Bytes buffer)
{
    Interrupts::InterruptsDisabled guard;
    receive();
    usize count = m_ring.pop(buffer);
    if (count)
        receive();
    return count;
}

bool SerialConsoleInput::wait_until_readable(u64 deadline_ns)
{
    for (;;) {
        {
            Interrupts::InterruptsDisabled guard;
            receive();
            if (!m_ring.is_empty())
                return true;
        }
        u64 now = Hal::monotonic_nanoseconds();
        if (deadline_ns != Hal::no_deadline && now >= deadline_ns)
            return false;
        // Without the interrupt, or should one be missed, look again now and then.
        u64 next = now + poll_interval_ns;
        (void)m_received.wait(deadline_ns < next ? deadline_ns : next);
    }
}

} // namespace Kernel
