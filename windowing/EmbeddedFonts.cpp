/*
 * windowing/EmbeddedFonts.cpp: lookup of the atlases built into the image (see
 * EmbeddedFonts.h).
 */
#include <windowing/EmbeddedFonts.h>

namespace Windowing {

ErrorOr<Font> load_embedded_font(StringView name, int pixel_size)
{
    for (auto const& font : embedded_font_data()) {
        if (font.pixel_size == pixel_size && StringView(font.name) == name)
            return Font::create_from_bytes(font.bytes());
    }
    return Error::with_message(
        ErrorCode::NotFound, "No embedded font has this name and size; see docs/windowing.md."sv);
}

} // namespace Windowing
