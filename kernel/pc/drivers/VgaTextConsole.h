/*
 * kernel/pc/drivers/VgaTextConsole.h: the 80x25 VGA text screen at physical 0xB8000 (seen
 * through the higher-half map), white on blue, scrolling. It mirrors the kernel log until
 * the framebuffer console exists.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>

namespace Kernel {

class VgaTextConsole {
public:
    static constexpr usize columns = 80;
    static constexpr usize rows = 25;
    static constexpr u8 white_on_blue = 0x1F;

    // Clears the screen; write_line() does it on first use too.
    void clear();
    void write_line(StringView);

private:
    void put_character(char);
    void new_line();
    void move_hardware_cursor();

    usize m_column { 0 };
    usize m_row { 0 };
    bool m_cleared { false };
};

} // namespace Kernel
