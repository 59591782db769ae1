/*
 * kernel/pc/devices/SerialChannel.h: a 16550 UART as a Hal::Channel ("com2"), driven by
 * its interrupt (ISA IRQ 3 for COM2) with a receive and a transmit ring in memory.
 *
 * The interrupt handler moves received bytes into the receive ring and refills the
 * transmit FIFO from the transmit ring. When the receive ring is full it stops taking bytes
 * (and masks the receive interrupt), so the UART's FIFO fills and QEMU holds the peer back:
 * nothing is lost. Every call also services the UART itself, so the channel works with
 * interrupts off, and polls when the IRQ could not be routed. wait() sleeps on an event the
 * handler signals, looking again at least every 10 ms.
 */
#pragma once

#include <kernel/hal/Channel.h>
#include <kernel/pc/devices/ByteRing.h>

namespace Kernel {

class SerialChannel final : public Hal::Channel {
public:
    static constexpr u16 com2_io_base = 0x2F8;
    static constexpr u8 com2_isa_irq = 3;

    SerialChannel(StringView name, u16 io_base, u8 isa_irq);

    // Programs the UART (115200 8N1, FIFOs) and routes its IRQ; NotFound without a UART.
    ErrorOr<void> initialize();

    StringView name() const override { return m_name; }
    ErrorOr<usize> read(Bytes) override;
    ErrorOr<usize> write(ReadonlyBytes) override;
    bool wait(Hal::ChannelCondition, u64 deadline_ns) override;
    usize pending_output() const override { return m_transmit.size(); }

private:
    static void handle_interrupt(void* context);
    // Moves bytes between the UART and the rings; interrupts must be off.
    void service();
    void update_interrupt_enable();

    StringView m_name;
    u16 m_io_base;
    u8 m_isa_irq;
    bool m_interrupt_driven {false};
    u8 m_interrupt_enable {0};
    // Signalled by the interrupt handler; wait() sleeps on it.
    Hal::Event m_activity;
    ByteRing<16384> m_receive;
    ByteRing<16384> m_transmit;
};

} // namespace Kernel
