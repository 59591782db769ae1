/*
 * base/Format.cpp: the runtime half of the formatter — walking a (compile-time checked)
 * format string and rendering numbers, characters and text with their specs.
 */

#include <base/Format.h>

namespace Base {

namespace {

    void write_repeated(FormatSink& sink, char character, usize count)
    {
        char chunk[32];
        for (auto& slot : chunk)
            slot = character;
        while (count > 0) {
            usize piece = count < sizeof(chunk) ? count : sizeof(chunk);
            sink.write({chunk, piece});
            count -= piece;
        }
    }

} // namespace

void FormatBuilder::put_padded(
    StringView prefix, StringView body, FormatAlign default_align, bool zero_pad_allowed)
{
    usize content_length = prefix.length() + body.length();
    usize padding = m_spec.width > content_length ? m_spec.width - content_length : 0;
    // Zero padding goes between the sign/prefix and the digits, and only when no explicit
    // alignment was asked for (as in printf and Python).
    if (m_spec.zero_pad && zero_pad_allowed && m_spec.align == FormatAlign::Default) {
        m_sink.write(prefix);
        write_repeated(m_sink, '0', padding);
        m_sink.write(body);
        return;
    }
    FormatAlign align = m_spec.align == FormatAlign::Default ? default_align : m_spec.align;
    usize before = 0;
    if (align == FormatAlign::Right)
        before = padding;
    else if (align == FormatAlign::Center)
        before = padding / 2;
    write_repeated(m_sink, m_spec.fill, before);
    m_sink.write(prefix);
    m_sink.write(body);
    write_repeated(m_sink, m_spec.fill, padding - before);
}

void FormatBuilder::put_string(StringView text)
{
    if (m_spec.has_precision && text.length() > m_spec.precision)
        text = text.substring_view(0, m_spec.precision);
    put_padded({}, text, FormatAlign::Left, false);
}

void FormatBuilder::put_unsigned(u64 value, bool is_negative)
{
    unsigned base = 10;
    StringView prefix_letters;
    bool upper_case = false;
    switch (m_spec.type) {
    case 'x':
        base = 16;
        prefix_letters = "0x"sv;
        break;
    case 'X':
        base = 16;
        prefix_letters = "0X"sv;
        upper_case = true;
        break;
    case 'p':
        base = 16;
        prefix_letters = "0x"sv;
        break;
    case 'b':
        base = 2;
        prefix_letters = "0b"sv;
        break;
    case 'o':
        base = 8;
        prefix_letters = "0o"sv;
        break;
    default:
        break;
    }

    // 64 binary digits at most.
    char digits[64];
    usize digit_count = 0;
    char const* alphabet = upper_case ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        digits[sizeof(digits) - 1 - digit_count] = alphabet[value % base];
        value /= base;
        ++digit_count;
    } while (value != 0);

    char prefix[4];
    usize prefix_length = 0;
    if (is_negative)
        prefix[prefix_length++] = '-';
    else if (m_spec.plus_sign)
        prefix[prefix_length++] = '+';
    if ((m_spec.alternate_form || m_spec.type == 'p') && !prefix_letters.is_empty()) {
        prefix[prefix_length++] = prefix_letters[0];
        prefix[prefix_length++] = prefix_letters[1];
    }
    put_padded({prefix, prefix_length}, {digits + sizeof(digits) - digit_count, digit_count},
        FormatAlign::Right, true);
}

void FormatBuilder::put_signed(i64 value)
{
    if (value < 0)
        put_unsigned(0 - static_cast<u64>(value), true);
    else
        put_unsigned(static_cast<u64>(value), false);
}

void FormatBuilder::put_character(char character)
{
    put_padded({}, {&character, 1}, FormatAlign::Left, false);
}

void FormatBuilder::put_pointer(FlatPtr address)
{
    FormatSpec saved = m_spec;
    // A pointer is always "0x" plus 16 digits unless the placeholder asked otherwise.
    if (m_spec.type == 0 || m_spec.type == 'p' || m_spec.type == 's') {
        m_spec.type = 'p';
        if (m_spec.width == 0) {
            m_spec.width = 18;
            m_spec.zero_pad = true;
        }
    }
    put_unsigned(address);
    m_spec = saved;
}

namespace Detail {

    void vformat(FormatSink& sink, StringView format, TypeErasedParameter const* parameters, usize count)
    {
        usize next_parameter = 0;
        usize literal_start = 0;
        auto flush_literal = [&](usize end) {
            if (end > literal_start)
                sink.write(format.substring_view(literal_start, end - literal_start));
        };
        for (usize i = 0; i < format.length(); ++i) {
            char character = format[i];
            if (character == '}') {
                // Only "}}" survives the compile-time check; write one brace.
                flush_literal(i + 1);
                if (i + 1 < format.length() && format[i + 1] == '}')
                    ++i;
                literal_start = i + 1;
                continue;
            }
            if (character != '{')
                continue;
            if (i + 1 < format.length() && format[i + 1] == '{') {
                flush_literal(i + 1);
                ++i;
                literal_start = i + 1;
                continue;
            }
            flush_literal(i);
            usize close = i + 1;
            while (close < format.length() && format[close] != '}')
                ++close;
            StringView inside = format.substring_view(i + 1, close - i - 1);
            FormatSpec spec;
            bool valid = close < format.length()
                && (inside.is_empty()
                    || (inside[0] == ':'
                        && parse_format_spec(inside.substring_view(1), spec) == FormatParseResult::Ok));
            if (!valid || next_parameter >= count) {
                // Unreachable through CheckedFormatString; show the text rather than guess.
                literal_start = i;
                continue;
            }
            FormatBuilder builder(sink, spec);
            parameters[next_parameter].format(builder, parameters[next_parameter].value);
            ++next_parameter;
            i = close;
            literal_start = close + 1;
        }
        flush_literal(format.length());
    }

} // namespace Detail

} // namespace Base
