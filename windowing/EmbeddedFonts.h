/*
 * windowing/EmbeddedFonts.h: the glyph atlases built into every Phantom image. The build
 * runs tools/fontbake, which writes the atlases and a generated .cpp defining
 * embedded_font_data() with their bytes; this header finds and opens them by name.
 *
 *     auto font = TRY(load_embedded_font("DejaVu Sans"sv, 13));
 *     auto bold = TRY(load_embedded_font("DejaVu Sans Bold"sv, 16));
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <base/StringView.h>
#include <windowing/Font.h>

namespace Windowing {

struct EmbeddedFontData {
    char const* name; // The atlas's family name, e.g. "DejaVu Sans Mono".
    int pixel_size;
    char const* data; // The atlas bytes (a string literal, so the table is constant data).
    usize size;

    ReadonlyBytes bytes() const { return {reinterpret_cast<u8 const*>(data), size}; }
};

// Every atlas in the image (defined by the file tools/fontbake generates).
Span<EmbeddedFontData const> embedded_font_data();

// The embedded atlas `name` at `pixel_size`, validated; NotFound if there is none.
[[nodiscard]] ErrorOr<Font> load_embedded_font(StringView name, int pixel_size);

} // namespace Windowing
