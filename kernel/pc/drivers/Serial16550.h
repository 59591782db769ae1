/*
 * kernel/pc/drivers/Serial16550.h: a 16550 UART (COM1 at 0x3F8) driven by polling, for the
 * kernel log. 115200 baud, 8N1, FIFOs on; no interrupts yet.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>

namespace Kernel {

class Serial16550 {
public:
    static constexpr u16 com1 = 0x3F8;

    constexpr explicit Serial16550(u16 io_base)
        : m_io_base(io_base)
    { }

    void initialize();
    // Blocks until every byte is in the transmit FIFO.
    void write(StringView);

private:
    u16 m_io_base;
};

} // namespace Kernel
