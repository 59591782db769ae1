/*
 * windowing/Painter.h: Painter, Phantom's own rasterizer. It draws into a Bitmap
 * (premultiplied ARGB32): solid, gradient and rounded rects, anti-aliased lines, blits with
 * and without alpha, soft drop shadows and anti-aliased text from baked glyph atlases.
 *
 *     Painter painter(window_bitmap);
 *     painter.fill_rect_with_gradient(title_bar, Color::from_rgb(0x3c6ea8), Color::from_rgb(0x2a4f7c),
 *         Orientation::Vertical);
 *     painter.save();
 *     painter.add_clip_rect(content);
 *     painter.draw_text({12, 40}, "Привет, Phantom"sv, font, Color::from_rgb(0x202020));
 *     painter.restore();
 *
 * Coordinates are integer pixels; FloatPoint ones (lines) put (0,0) at the top-left CORNER
 * of pixel 0, as Cairo does, so a 1-pixel line through pixel centres is at y + 0.5.
 * Every operation is clipped to the current clip rect (always inside the bitmap) and moved
 * by the current translation; save()/restore() keep a small fixed stack of both. Blending is
 * Porter-Duff source-over on premultiplied pixels unless a function says otherwise. Inner
 * loops work on row spans; nothing allocates. Cairo is the reference: tests/windowing renders
 * the same scenes with both and compares them within the tolerances in docs/windowing.md.
 */
#pragma once

#include <base/StringView.h>
#include <windowing/Bitmap.h>
#include <windowing/Color.h>
#include <windowing/Geometry.h>

namespace Windowing {

class Font;

enum class Orientation {
    Horizontal, // The colour changes from left to right.
    Vertical,   // The colour changes from top to bottom.
};

enum class BlendMode {
    Copy,       // Replace the destination (Cairo's SOURCE operator).
    SourceOver, // Composite over the destination (Cairo's OVER operator).
};

// Which corners of a rounded rect are round (the others stay square).
enum class Corners : u8 {
    TopLeft = 1,
    TopRight = 2,
    BottomLeft = 4,
    BottomRight = 8,
    Top = TopLeft | TopRight, // A title bar on a window with rounded corners.
    Bottom = BottomLeft | BottomRight,
    All = Top | Bottom,
};

class Painter {
public:
    static constexpr int max_saved_states = 16;
    // Largest shadow blur radius draw_shadow() honours; larger ones are clamped.
    static constexpr int max_shadow_radius = 64;

    explicit Painter(Bitmap target);

    Bitmap const& target() const { return m_target; }

    // State: the clip rect (in bitmap coordinates) and the translation.
    void save();
    void restore();
    // Narrows the clip to `rect` (in current, translated coordinates).
    void add_clip_rect(Rect rect);
    void translate(int dx, int dy);
    Rect clip_rect() const { return m_state.clip; }
    Point translation() const { return m_state.translation; }

    // Replaces the pixels of `rect` with `color` (no blending).
    void clear_rect(Rect rect, Color color);
    void fill_rect(Rect rect, Color color);
    // A frame of `thickness` pixels drawn inside `rect`.
    void stroke_rect(Rect rect, Color color, int thickness = 1);
    // Corners are quarter circles of `radius` (clamped to half the smaller side), anti-aliased.
    void fill_rounded_rect(Rect rect, int radius, Color color, Corners corners = Corners::All);
    // The same shape filled with a vertical gradient from `top` to `bottom` (as
    // fill_rect_with_gradient), e.g. a title bar with Corners::Top.
    void fill_rounded_rect_with_gradient(
        Rect rect, int radius, Color top, Color bottom, Corners corners = Corners::All);
    // A linear gradient across the rect: `start` at its first pixel row/column centre edge,
    // `end` at the last, interpolated in straight alpha then premultiplied (as pixman does).
    void fill_rect_with_gradient(Rect rect, Color start, Color end, Orientation orientation);
    // An anti-aliased line with butt caps, `width` pixels wide (any positive width).
    void draw_line(FloatPoint from, FloatPoint to, Color color, float width = 1);
    // A line between pixel centres.
    void draw_line(Point from, Point to, Color color, int width = 1);
    // Copies `source_rect` of `source` to `destination` (its top-left corner). With Copy, an
    // `opacity` below 255 mixes source and destination in that proportion (as Cairo's SOURCE
    // operator with a constant mask); with SourceOver the source is first multiplied by it.
    void blit(Point destination, Bitmap const& source, Rect source_rect,
        BlendMode mode = BlendMode::SourceOver, u8 opacity = 255);
    // The soft shadow of `rect`: the rect's shape blurred by two passes of a box filter of
    // half-width radius/2, so it fades out `radius` pixels beyond each edge (box blur
    // approximating a Gaussian). Draw it before the window; move `rect` for an offset shadow.
    // Pixels inside `covered` are left alone: pass the window's rect when it will be painted
    // opaque over the shadow anyway, which saves most of the work.
    void draw_shadow(Rect rect, int radius, Color color, Rect covered = {});
    // Text on a baseline starting at `origin`; `text` is UTF-8. Returns the pen position after
    // the last glyph (x advanced by the text's width).
    Point draw_text(Point origin, StringView text, Font const& font, Color color);

private:
    struct State {
        Rect clip;
        Point translation;
    };

    // `rect` in bitmap coordinates: translated, with absurd coordinates clamped first.
    Rect to_target(Rect rect) const;
    void fill_span(u32* row, int count, u32 pixel, bool opaque);
    // The rounded-rect rasterizer; row_pixel(y) gives the premultiplied pixel of row y.
    template<typename RowPixel>
    void fill_rounded_area(Rect rect, int radius, Corners corners, RowPixel row_pixel);
    // A glyph's coverage placed on the bitmap.
    struct PlacedGlyph {
        Rect box;
        u8 const* coverage {nullptr};
    };
    void draw_placed_glyph(
        PlacedGlyph const& glyph, PlacedGlyph const* previous, PlacedGlyph const* next, u32 pixel);

    Bitmap m_target;
    State m_state;
    State m_saved[max_saved_states];
    int m_saved_count {0};
};

} // namespace Windowing
