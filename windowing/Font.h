/*
 * windowing/Font.h: Font, one baked glyph atlas (a face at one pixel size, made by
 * tools/fontbake; format in windowing/FontFormat.h and docs/windowing.md) read in place.
 *
 *     auto font = TRY(Font::create_from_bytes(atlas_bytes)); // validated, checksum included
 *     int width = font.width("Hello"sv);
 *     painter.draw_text({10, 10 + font.ascent()}, "Hello"sv, font, Color::from_rgb(0));
 *
 * The Font keeps a pointer to the bytes, so they must outlive it (embedded atlases are
 * static data; see EmbeddedFonts.h). Malformed bytes are an error, never a crash: every
 * offset and size is checked once in create_from_bytes().
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/StringView.h>

namespace Windowing {

struct Glyph {
    u32 code_point {0};
    int width {0};
    int height {0};
    int left {0}; // Coverage's left edge relative to the pen.
    int top {0};  // Coverage's top row relative to the baseline (negative is above it).
    int advance {0};
    u8 const* coverage {nullptr}; // width * height bytes, row-major.
};

class Font {
public:
    [[nodiscard]] static ErrorOr<Font> create_from_bytes(ReadonlyBytes bytes);

    int pixel_size() const { return m_pixel_size; }
    int ascent() const { return m_ascent; }
    int descent() const { return m_descent; }
    int line_height() const { return m_line_height; }
    bool is_bold() const { return m_bold; }
    bool is_monospace() const { return m_monospace; }
    StringView name() const { return m_name; }
    u32 glyph_count() const { return m_glyph_count; }

    // The glyph for `code_point`, if the atlas has it.
    Optional<Glyph> glyph(u32 code_point) const;
    // The glyph, or the atlas's replacement glyph, or an empty glyph advancing nothing.
    Glyph glyph_or_replacement(u32 code_point) const;
    // The advance of UTF-8 `text` in pixels.
    int width(StringView text) const;

private:
    Font() = default;
    Glyph glyph_at(u32 index) const;
    Optional<u32> find_index(u32 code_point) const;

    // Code points below this are found through a direct table, the rest by binary search.
    static constexpr u32 direct_lookup_limit = 0x500;

    ReadonlyBytes m_data;
    u8 const* m_glyph_table {nullptr};
    u8 const* m_coverage {nullptr};
    u32 m_glyph_count {0};
    int m_pixel_size {0};
    int m_ascent {0};
    int m_descent {0};
    int m_line_height {0};
    bool m_bold {false};
    bool m_monospace {false};
    u32 m_replacement {0};
    StringView m_name;
    u16 m_direct_index[direct_lookup_limit] {}; // Index + 1 of a glyph, 0 when absent.
};

} // namespace Windowing
