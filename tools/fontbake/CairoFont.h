/*
 * tools/fontbake/CairoFont.h: CairoFont, a Cairo scaled font for one DejaVu file at one pixel
 * size with the exact options fontbake bakes with (grey anti-aliasing, slight hinting, metrics
 * rounded to whole pixels). The baker renders glyphs through it and tests/windowing renders
 * Cairo's reference text through it, so both sides see the same glyph images.
 *
 *     CairoFont font("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 13);
 *     if (!font.is_valid()) ...;
 *     cairo_set_scaled_font(cr, font.scaled_font());
 */
#pragma once

#include <cairo-ft.h>
#include <cairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <string>

namespace FontBake {

class CairoFont {
public:
    CairoFont(std::string const& path, int pixel_size)
    {
        FT_Library library = shared_library();
        if (!library || FT_New_Face(library, path.c_str(), 0, &m_face) != 0) {
            m_face = nullptr;
            return;
        }
        m_font_face = cairo_ft_font_face_create_for_ft_face(m_face, 0);
        // Cairo may keep the face in its caches after we let go, so it frees the FT_Face.
        static cairo_user_data_key_t face_key;
        cairo_font_face_set_user_data(
            m_font_face, &face_key, m_face, [](void* face) { FT_Done_Face(static_cast<FT_Face>(face)); });
        cairo_matrix_t font_matrix;
        cairo_matrix_t identity;
        cairo_matrix_init_scale(&font_matrix, pixel_size, pixel_size);
        cairo_matrix_init_identity(&identity);
        cairo_font_options_t* options = cairo_font_options_create();
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_ON);
        cairo_font_options_set_subpixel_order(options, CAIRO_SUBPIXEL_ORDER_DEFAULT);
        m_scaled_font = cairo_scaled_font_create(m_font_face, &font_matrix, &identity, options);
        cairo_font_options_destroy(options);
        if (cairo_scaled_font_status(m_scaled_font) != CAIRO_STATUS_SUCCESS) {
            cairo_scaled_font_destroy(m_scaled_font);
            m_scaled_font = nullptr;
        }
    }
    ~CairoFont()
    {
        if (m_scaled_font)
            cairo_scaled_font_destroy(m_scaled_font);
        if (m_font_face)
            cairo_font_face_destroy(m_font_face);
    }
    CairoFont(CairoFont const&) = delete;
    CairoFont& operator=(CairoFont const&) = delete;

    bool is_valid() const { return m_scaled_font != nullptr; }
    cairo_scaled_font_t* scaled_font() const { return m_scaled_font; }
    FT_Face face() const { return m_face; }

private:
    // One FreeType library for the process, never freed: Cairo's font caches outlive any
    // single CairoFont.
    static FT_Library shared_library()
    {
        static FT_Library library = [] {
            FT_Library created = nullptr;
            return FT_Init_FreeType(&created) == 0 ? created : nullptr;
        }();
        return library;
    }

    FT_Face m_face {nullptr};
    cairo_font_face_t* m_font_face {nullptr};
    cairo_scaled_font_t* m_scaled_font {nullptr};
};

} // namespace FontBake
