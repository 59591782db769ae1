/*
 * kernel/pc/devices/SerialChannel.cpp: the interrupt-driven 16550 behind "com2".
 */
#include <base/Log.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/devices/SerialChannel.h>

namespace Kernel {

namespace {

    enum Register : u16 {
        Data = 0,
        InterruptEnable = 1,
        InterruptIdentification = 2, // read; FifoControl on write
        LineControl = 3,
        ModemControl = 4,
        LineStatus = 5,
        Scratch = 7,
    };

    constexpr u8 enable_receive = 1;
    constexpr u8 enable_transmit_empty = 2;
    constexpr u8 line_status_data_ready = 1;
    constexpr u8 line_status_transmit_empty = 0x20;
    // DTR, RTS and OUT2 (OUT2 gates the UART's interrupt line on PCs).
    constexpr u8 modem_control = 0x0B;
    constexpr usize fifo_size = 16;

} // namespace

SerialChannel::SerialChannel(StringView name, u16 io_base, u8 isa_irq)
    : m_name(name)
    , m_io_base(io_base)
    , m_isa_irq(isa_irq)
{ }

ErrorOr<void> SerialChannel::initialize()
{
    // No UART answers with all ones; a real one keeps what is written to its scratch register.
    Cpu::out8(m_io_base + Scratch, 0x5A);
    if (Cpu::in8(m_io_base + LineStatus) == 0xFF || Cpu::in8(m_io_base + Scratch) != 0x5A)
        return Error::from_code(ErrorCode::NotFound);
    Cpu::out8(m_io_base + InterruptEnable, 0);
    Cpu::out8(m_io_base + LineControl, 0x80);
    Cpu::out8(m_io_base + Data, 1); // divisor 1: 115200 baud
    Cpu::out8(m_io_base + InterruptEnable, 0);
    Cpu::out8(m_io_base + LineControl, 0x03);             // 8N1
    Cpu::out8(m_io_base + InterruptIdentification, 0xC7); // FIFOs on and cleared, trigger at 14
    Cpu::out8(m_io_base + ModemControl, modem_control);
    // Drain anything that arrived before (bounded, in case the UART misbehaves).
    for (usize i = 0; i < 64 && (Cpu::in8(m_io_base + LineStatus) & line_status_data_ready); ++i)
        (void)Cpu::in8(m_io_base + Data);

    auto routed = Interrupts::route_isa_irq(m_isa_irq, handle_interrupt, this);
    if (routed.is_error()) {
        logln("{}: IRQ {} not routed ({}); polling", m_name, m_isa_irq, routed.error());
    } else {
        m_interrupt_driven = true;
        Interrupts::InterruptsDisabled guard;
        update_interrupt_enable();
    }
    logln("{}: 16550 at {:#x}, IRQ {}, {}", m_name, m_io_base, m_isa_irq,
        m_interrupt_driven ? "interrupt-driven"sv : "polled"sv);
    return {};
}

void SerialChannel::update_interrupt_enable()
{
    if (!m_interrupt_driven)
        return;
    u8 wanted = 0;
    if (!m_receive.is_full())
        wanted |= enable_receive;
    if (!m_transmit.is_empty())
        wanted |= enable_transmit_empty;
    if (wanted != m_interrupt_enable) {
        m_interrupt_enable = wanted;
        Cpu::out8(m_io_base + InterruptEnable, wanted);
    }
}

void SerialChannel::service()
{
    for (;;) {
        u8 status = Cpu::in8(m_io_base + LineStatus);
        bool progressed = false;
        if ((status & line_status_data_ready) && !m_receive.is_full()) {
            m_receive.push(Cpu::in8(m_io_base + Data));
            progressed = true;
        }
        if ((status & line_status_transmit_empty) && !m_transmit.is_empty()) {
            // An empty holding register means the whole FIFO is free.
            for (usize i = 0; i < fifo_size && !m_transmit.is_empty(); ++i) {
                Cpu::out8(m_io_base + Data, m_transmit.peek());
                m_transmit.drop(1);
            }
            progressed = true;
        }
        if (!progressed)
            break;
    }
    update_interrupt_enable();
}

void SerialChannel::handle_interrupt(void* context)
{
    auto* channel = static_cast<SerialChannel*>(context);
    // Reading the identification register acknowledges a transmit-empty interrupt.
    (void)Cpu::in8(channel->m_io_base + InterruptIdentification);
    channel->service();
    channel->m_activity.signal();
}

ErrorOr<usize> SerialChannel::read(Bytes bytes)
{
    Interrupts::InterruptsDisabled guard;
    service();
    usize count = m_receive.pop(bytes);
    if (count)
        service();
    return count;
}

ErrorOr<usize> SerialChannel::write(ReadonlyBytes bytes)
{
    Interrupts::InterruptsDisabled guard;
    usize count = m_transmit.push(bytes);
    service();
    return count;
}

bool SerialChannel::wait(Hal::ChannelCondition condition, u64 deadline_ns)
{
    constexpr u64 poll_interval_ns = 10'000'000;
    for (;;) {
        {
            Interrupts::InterruptsDisabled guard;
            service();
            bool holds = condition == Hal::ChannelCondition::Readable ? !m_receive.is_empty()
                                                                      : !m_transmit.is_full();
            if (holds)
                return true;
        }
        u64 now = Hal::monotonic_nanoseconds();
        if (now >= deadline_ns)
            return false;
        m_activity.wait(deadline_ns - now < poll_interval_ns ? deadline_ns : now + poll_interval_ns);
    }
}

} // namespace Kernel
