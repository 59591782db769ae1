/*
 * kernel/pc/drivers/Serial16550.cpp: polled transmit. When the transmitter holding register
 * is empty the whole 16-byte FIFO is free, so one status read lets us write 16 bytes; that
 * matters under KVM, where every port access is a VM exit.
 */
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/drivers/Serial16550.h>

namespace Kernel {

namespace {

    enum Register : u16 {
        Data = 0,            // with DLAB: divisor low byte
        InterruptEnable = 1, // with DLAB: divisor high byte
        FifoControl = 2,
        LineControl = 3,
        ModemControl = 4,
        LineStatus = 5,
    };

    constexpr u8 line_control_divisor_latch = 0x80;
    constexpr u8 line_control_8n1 = 0x03;
    constexpr u8 fifo_enable_and_clear = 0xC7; // enable, clear both, 14-byte trigger
    constexpr u8 modem_control_dtr_rts = 0x03;
    constexpr u8 line_status_transmit_empty = 0x20;
    constexpr usize fifo_size = 16;

} // namespace

void Serial16550::initialize()
{
    Cpu::out8(m_io_base + InterruptEnable, 0);
    Cpu::out8(m_io_base + LineControl, line_control_divisor_latch);
    Cpu::out8(m_io_base + Data, 1); // 115200 / 1
    Cpu::out8(m_io_base + InterruptEnable, 0);
    Cpu::out8(m_io_base + LineControl, line_control_8n1);
    Cpu::out8(m_io_base + FifoControl, fifo_enable_and_clear);
    Cpu::out8(m_io_base + ModemControl, modem_control_dtr_rts);
}

void Serial16550::write(StringView text)
{
    usize position = 0;
    while (position < text.length()) {
        while (!(Cpu::in8(m_io_base + LineStatus) & line_status_transmit_empty))
            Cpu::pause();
        for (usize burst = 0; burst < fifo_size && position < text.length(); ++burst, ++position)
            Cpu::out8(m_io_base + Data, static_cast<u8>(text[position]));
    }
}

} // namespace Kernel
