/*
 * kernel/pc/devices/SerialConsoleInput.h: what is typed on COM1, the kernel log's UART, for
 * the world's console (world/PcWorld.cpp). Transmission stays polled (drivers/Serial16550,
 * KernelLog); only the receive interrupt (ISA IRQ 4) is enabled. The handler moves bytes
 * into a ring and signals an event; when the ring is full it masks the receive interrupt, so
 * the UART's FIFO fills and QEMU holds the sender back instead of losing bytes.
 *
 *     TRY(input.initialize());
 *     usize count = input.read(buffer);          // never blocks
 *     input.wait_until_readable(deadline_ns);    // sleeps on the event (polls without an IRQ)
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <kernel/hal/Threads.h>
#include <kernel/pc/devices/ByteRing.h>

namespace Kernel {

class SerialConsoleInput {
public:
    static constexpr u16 com1_io_base = 0x3F8;
    static constexpr u8 com1_isa_irq = 4;

    // Routes the IRQ and enables the receive interrupt; polls when the IRQ cannot be routed.
    ErrorOr<void> initialize();

    usize read(Bytes);
    // True when bytes are there; false when the deadline passed first.
    bool wait_until_readable(u64 deadline_ns);

private:
    static void handle_interrupt(void* context);
    // Moves received bytes into the ring; interrupts must be off.
    void receive();
    void update_interrupt_enable();

    bool m_interrupt_driven {false};
    bool m_receive_enabled {false};
    Hal::Event m_received;
    ByteRing<4096> m_ring;
};

} // namespace Kernel
