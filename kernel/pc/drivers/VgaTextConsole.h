/*
 * kernel/pc/drivers/VgaTextConsole.h: the 80x25 VGA text screen at physical 0xB8000 (seen
 * through the higher-half map), white on blue, scrolling, no cursor. It mirrors the kernel
 * log until the framebuffer console exists.
 *
 * Text memory is emulated device memory: under KVM every access is a VM exit. So the
 * console draws into a copy in RAM and sends only changed cells to the screen, four cells
 * (8 bytes) per store, and never reads the screen back.
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
    static constexpr usize cells_per_store = 4;
    static constexpr usize store_count = columns * rows / cells_per_store;

    void put_character(char);
    void new_line();
    // Sends the cells that differ from what the screen shows.
    void flush();

    // What the screen should show and what it shows, as 4-cell groups.
    u64 m_wanted[store_count] {};
    u64 m_shown[store_count] {};
    usize m_column {0};
    usize m_row {0};
    bool m_screen_known {false};
};

} // namespace Kernel
