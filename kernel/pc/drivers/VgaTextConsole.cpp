/*
 * kernel/pc/drivers/VgaTextConsole.cpp: writes character/attribute pairs into the VGA
 * text buffer and moves the hardware cursor (CRT controller registers 0x0E/0x0F).
 */
#include <kernel/pc/boot/BootConstants.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/drivers/VgaTextConsole.h>

namespace Kernel {

namespace {

    constexpr FlatPtr text_buffer_physical = 0xB8000;
    constexpr u16 crt_index = 0x3D4;
    constexpr u16 crt_data = 0x3D5;
    constexpr u8 crt_cursor_high = 0x0E;
    constexpr u8 crt_cursor_low = 0x0F;

    volatile u16* text_buffer() { return reinterpret_cast<volatile u16*>(KERNEL_VIRTUAL_BASE + text_buffer_physical); }

    constexpr u16 cell(char character) { return static_cast<u16>((VgaTextConsole::white_on_blue << 8) | static_cast<u8>(character)); }

} // namespace

void VgaTextConsole::clear()
{
    auto* buffer = text_buffer();
    for (usize i = 0; i < columns * rows; ++i)
        buffer[i] = cell(' ');
    m_column = 0;
    m_row = 0;
    m_cleared = true;
    move_hardware_cursor();
}

void VgaTextConsole::write_line(StringView line)
{
    if (!m_cleared)
        clear();
    for (char character : line)
        put_character(character);
    new_line();
    move_hardware_cursor();
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
    // Code page 437 draws bytes above 0x7F as other symbols; UTF-8 would come out garbled.
    if (static_cast<u8>(character) < 0x20 || static_cast<u8>(character) > 0x7E)
        character = '?';
    if (m_column == columns)
        new_line();
    text_buffer()[m_row * columns + m_column] = cell(character);
    ++m_column;
}

void VgaTextConsole::new_line()
{
    m_column = 0;
    if (m_row + 1 < rows) {
        ++m_row;
        return;
    }
    auto* buffer = text_buffer();
    for (usize i = 0; i < columns * (rows - 1); ++i)
        buffer[i] = buffer[i + columns];
    for (usize i = 0; i < columns; ++i)
        buffer[columns * (rows - 1) + i] = cell(' ');
}

void VgaTextConsole::move_hardware_cursor()
{
    auto position = static_cast<u16>(m_row * columns + m_column);
    Cpu::out8(crt_index, crt_cursor_high);
    Cpu::out8(crt_data, static_cast<u8>(position >> 8));
    Cpu::out8(crt_index, crt_cursor_low);
    Cpu::out8(crt_data, static_cast<u8>(position & 0xFF));
}

} // namespace Kernel
