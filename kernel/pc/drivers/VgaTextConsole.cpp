/*
 * kernel/pc/drivers/VgaTextConsole.cpp: the text console of VgaTextConsole.h. A cell is a
 * character byte and an attribute byte; four cells make one 64-bit store.
 */
#include <kernel/pc/boot/BootConstants.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/drivers/VgaTextConsole.h>

namespace Kernel {

namespace {

    constexpr FlatPtr text_buffer_physical = 0xB8000;
    constexpr u16 crt_index = 0x3D4;
    constexpr u16 crt_data = 0x3D5;
    constexpr u8 crt_cursor_start = 0x0A;
    constexpr u8 cursor_disabled = 0x20;

    volatile u64* text_buffer()
    {
        return reinterpret_cast<volatile u64*>(KERNEL_VIRTUAL_BASE + text_buffer_physical);
    }

    constexpr u64 cell(char character)
    {
        return static_cast<u64>((VgaTextConsole::white_on_blue << 8) | static_cast<u8>(character));
    }
    constexpr u64 blank_group = cell(' ') * 0x0001'0001'0001'0001;

} // namespace

void VgaTextConsole::clear()
{
    for (auto& group : m_wanted)
        group = blank_group;
    m_column = 0;
    m_row = 0;
    // Whatever the firmware left on the screen is unknown: send every cell once.
    m_screen_known = false;
    flush();
    // A log console needs no blinking cursor, and moving it would cost port writes.
    Cpu::out8(crt_index, crt_cursor_start);
    Cpu::out8(crt_data, cursor_disabled);
}

void VgaTextConsole::write_line(StringView line)
{
    if (!m_screen_known)
        clear();
    for (char character : line)
        put_character(character);
    new_line();
    flush();
}

void VgaTextConsole::put_character(char character)
{
    if (character == '\n') {
        new_line();
        return;
    }
    if (character == '\r')
        return;
    if (character == '\t') {
        do
            put_character(' ');
        while (m_column % 8 != 0);
        return;
    }
    // Code page 437 draws bytes above 0x7E as other symbols; UTF-8 would come out garbled.
    if (static_cast<u8>(character) < 0x20 || static_cast<u8>(character) > 0x7E)
        character = '?';
    if (m_column == columns)
        new_line();
    usize index = m_row * columns + m_column;
    u64& group = m_wanted[index / cells_per_store];
    usize shift = (index % cells_per_store) * 16;
    group = (group & ~(0xFFFFull << shift)) | (cell(character) << shift);
    ++m_column;
}

void VgaTextConsole::new_line()
{
    m_column = 0;
    if (m_row + 1 < rows) {
        ++m_row;
        return;
    }
    constexpr usize groups_per_row = columns / cells_per_store;
    static_assert(columns % cells_per_store == 0);
    for (usize i = 0; i + groups_per_row < store_count; ++i)
        m_wanted[i] = m_wanted[i + groups_per_row];
    for (usize i = store_count - groups_per_row; i < store_count; ++i)
        m_wanted[i] = blank_group;
}

void VgaTextConsole::flush()
{
    auto* buffer = text_buffer();
    for (usize i = 0; i < store_count; ++i) {
        if (m_screen_known && m_wanted[i] == m_shown[i])
            continue;
        buffer[i] = m_wanted[i];
        m_shown[i] = m_wanted[i];
    }
    m_screen_known = true;
}

} // namespace Kernel
