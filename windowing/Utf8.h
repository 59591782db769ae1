/*
 * windowing/Utf8.h: Utf8Decoder, code points out of UTF-8 text. Malformed input (stray
 * continuation bytes, truncated or overlong sequences, surrogates, values past U+10FFFF)
 * yields U+FFFD for each bad byte and decoding goes on, so broken text still draws.
 *
 *     Utf8Decoder decoder("Привет"sv);
 *     while (auto code_point = decoder.next()) draw(*code_point);
 */
#pragma once

#include <base/Optional.h>
#include <base/StringView.h>

namespace Windowing {

class Utf8Decoder {
public:
    static constexpr u32 replacement_character = 0xFFFD;

    explicit Utf8Decoder(StringView text)
        : m_text(text)
    { }

    Optional<u32> next()
    {
        usize length = m_text.length();
        if (m_position >= length)
            return {};
        auto byte_at
            = [this](usize index) { return u8(m_text.characters_without_null_termination()[index]); };
        u8 lead = byte_at(m_position);
        if (lead < 0x80) {
            ++m_position;
            return u32(lead);
        }
        usize extra = 0;
        u32 code_point = 0;
        u32 minimum = 0;
        if ((lead & 0xE0) == 0xC0) {
            extra = 1;
            code_point = lead & 0x1F;
            minimum = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2;
            code_point = lead & 0x0F;
            minimum = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3;
            code_point = lead & 0x07;
            minimum = 0x10000;
        } else {
            ++m_position;
            return replacement_character;
        }
        if (m_position + extra >= length) {
            ++m_position;
            return replacement_character;
        }
        for (usize i = 1; i <= extra; ++i) {
            u8 continuation = byte_at(m_position + i);
            if ((continuation & 0xC0) != 0x80) {
                ++m_position;
                return replacement_character;
            }
            code_point = (code_point << 6) | (continuation & 0x3F);
        }
        if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            ++m_position;
            return replacement_character;
        }
        m_position += extra + 1;
        return code_point;
    }

private:
    StringView m_text;
    usize m_position {0};
};

} // namespace Windowing
