/*
 * windowing/Painter.cpp: state, rect fills, gradients, rounded rects, lines and blits of
 * Painter (see Painter.h). Shadows and text are in PainterEffects.cpp.
 */
#include <windowing/Painter.h>
#include <windowing/PainterSupport.h>

namespace Windowing {

Painter::Painter(Bitmap target)
    : m_target(target)
{
    m_state.clip = target.rect();
}

void Painter::save()
{
    VERIFY(m_saved_count < max_saved_states);
    m_saved[m_saved_count++] = m_state;
}

void Painter::restore()
{
    VERIFY(m_saved_count > 0);
    m_state = m_saved[--m_saved_count];
}

void Painter::add_clip_rect(Rect rect) { m_state.clip = m_state.clip.intersected(to_target(rect)); }

void Painter::translate(int dx, int dy)
{
    m_state.translation = {Support::sane_coordinate(m_state.translation.x + Support::sane_coordinate(dx)),
        Support::sane_coordinate(m_state.translation.y + Support::sane_coordinate(dy))};
}

Rect Painter::to_target(Rect rect) const
{
    return Support::sane_rect(rect).translated(m_state.translation.x, m_state.translation.y);
}

void Painter::fill_span(u32* row, int count, u32 pixel, bool opaque)
{
    if (opaque)
        Support::copy_span(row, count, pixel);
    else
        Support::blend_span(row, count, pixel);
}

void Painter::clear_rect(Rect rect, Color color)
{
    Rect area = to_target(rect).intersected(m_state.clip);
    u32 pixel = color.premultiplied();
    for (int y = area.top(); y < area.bottom(); ++y)
        Support::copy_span(m_target.scanline(y) + area.x, area.width, pixel);
}

void Painter::fill_rect(Rect rect, Color color)
{
    if (color.is_transparent())
        return;
    Rect area = to_target(rect).intersected(m_state.clip);
    u32 pixel = color.premultiplied();
    bool opaque = color.is_opaque();
    for (int y = area.top(); y < area.bottom(); ++y)
        fill_span(m_target.scanline(y) + area.x, area.width, pixel, opaque);
}

void Painter::stroke_rect(Rect rect, Color color, int thickness)
{
    if (rect.is_empty() || thickness <= 0)
        return;
    rect = Support::sane_rect(rect);
    thickness = Base::min(thickness, Support::coordinate_limit);
    if (thickness * 2 >= rect.width || thickness * 2 >= rect.height) {
        fill_rect(rect, color);
        return;
    }
    fill_rect({rect.x, rect.y, rect.width, thickness}, color);
    fill_rect({rect.x, rect.bottom() - thickness, rect.width, thickness}, color);
    fill_rect({rect.x, rect.y + thickness, thickness, rect.height - 2 * thickness}, color);
    fill_rect({rect.right() - thickness, rect.y + thickness, thickness, rect.height - 2 * thickness}, color);
}

void Painter::fill_rect_with_gradient(Rect rect, Color start, Color end, Orientation orientation)
{
    if (rect.is_empty())
        return;
    Rect moved = to_target(rect);
    Rect area = moved.intersected(m_state.clip);
    if (area.is_empty())
        return;
    Support::GradientRamp ramp(start, end);
    if (orientation == Orientation::Vertical) {
        for (int y = area.top(); y < area.bottom(); ++y) {
            float position = (float(y - moved.y) + 0.5f) / float(moved.height);
            u32 pixel = ramp.pixel_at(position);
            fill_span(m_target.scanline(y) + area.x, area.width, pixel, (pixel >> 24) == 255);
        }
        return;
    }
    // Horizontal: the row is the same on every line, so compute it once per chunk of columns.
    constexpr int chunk = 256;
    u32 row[chunk];
    bool opaque = start.is_opaque() && end.is_opaque();
    for (int x0 = area.left(); x0 < area.right(); x0 += chunk) {
        int count = Base::min(chunk, area.right() - x0);
        for (int i = 0; i < count; ++i)
            row[i] = ramp.pixel_at((float(x0 + i - moved.x) + 0.5f) / float(moved.width));
        for (int y = area.top(); y < area.bottom(); ++y) {
            u32* destination = m_target.scanline(y) + x0;
            if (opaque) {
                __builtin_memcpy(destination, row, usize(count) * 4);
                continue;
            }
            for (int i = 0; i < count; ++i)
                destination[i] = blend_over(destination[i], row[i]);
        }
    }
}

void Painter::fill_rounded_rect(Rect rect, int radius, Color color, Corners corners)
{
    if (color.is_transparent())
        return;
    u32 pixel = color.premultiplied();
    fill_rounded_area(rect, radius, corners, [pixel](int) { return pixel; });
}

void Painter::fill_rounded_rect_with_gradient(Rect rect, int radius, Color top, Color bottom, Corners corners)
{
    Support::GradientRamp ramp(top, bottom);
    Rect moved = to_target(rect);
    fill_rounded_area(rect, radius, corners,
        [&](int y) { return ramp.pixel_at((float(y - moved.y) + 0.5f) / float(moved.height)); });
}

template<typename RowPixel>
void Painter::fill_rounded_area(Rect rect, int radius, Corners corners, RowPixel row_pixel)
{
    if (rect.is_empty())
        return;
    rect = Support::sane_rect(rect);
    radius = Base::clamp(radius, 0, Base::min(rect.width, rect.height) / 2);
    Rect moved = to_target(rect);
    Rect area = moved.intersected(m_state.clip);
    if (area.is_empty())
        return;
    auto has = [corners](Corners corner) { return (u8(corners) & u8(corner)) != 0; };
    float float_radius = float(radius);
    for (int y = area.top(); y < area.bottom(); ++y) {
        u32* row = m_target.scanline(y);
        u32 pixel = row_pixel(y);
        bool opaque = (pixel >> 24) == 255;
        // How far this row's centre reaches into the corner circles' band (0 in the middle
        // rows), and which of the two corners of this band are round.
        float row_centre = float(y) + 0.5f;
        float circle_y = 0;
        bool round_left = false;
        bool round_right = false;
        if (y < moved.top() + radius) {
            circle_y = float(moved.top() + radius) - row_centre;
            round_left = has(Corners::TopLeft);
            round_right = has(Corners::TopRight);
        } else if (y >= moved.bottom() - radius) {
            circle_y = row_centre - float(moved.bottom() - radius);
            round_left = has(Corners::BottomLeft);
            round_right = has(Corners::BottomRight);
        }
        if (pixel == 0)
            continue;
        if (circle_y <= 0 || (!round_left && !round_right)) {
            fill_span(row + area.x, area.width, pixel, opaque);
            continue;
        }
        // Columns left of `inner_left` and right of `inner_right` are corner columns.
        int inner_left = round_left ? moved.left() + radius : moved.left();
        int inner_right = round_right ? moved.right() - radius : moved.right();
        for (int x = area.left(); x < Base::min(inner_left, area.right()); ++x) {
            float circle_x = float(inner_left) - (float(x) + 0.5f);
            u32 coverage = Support::circle_coverage(circle_x, circle_y, float_radius);
            if (coverage)
                row[x] = blend_over(row[x], scale_pixel(pixel, coverage));
        }
        int middle_left = Base::max(inner_left, area.left());
        int middle_right = Base::min(inner_right, area.right());
        if (middle_right > middle_left)
            fill_span(row + middle_left, middle_right - middle_left, pixel, opaque);
        for (int x = Base::max(inner_right, area.left()); x < area.right(); ++x) {
            float circle_x = (float(x) + 0.5f) - float(inner_right);
            u32 coverage = Support::circle_coverage(circle_x, circle_y, float_radius);
            if (coverage)
                row[x] = blend_over(row[x], scale_pixel(pixel, coverage));
        }
    }
}

void Painter::draw_line(Point from, Point to, Color color, int width)
{
    draw_line(FloatPoint {float(from.x) + 0.5f, float(from.y) + 0.5f},
        FloatPoint {float(to.x) + 0.5f, float(to.y) + 0.5f}, color, float(width));
}

void Painter::draw_line(FloatPoint from, FloatPoint to, Color color, float width)
{
    // Also refuses NaN, infinities and absurd sizes: nothing sensible can be drawn from them.
    auto sane = [](float value) { return value > -1e7f && value < 1e7f; };
    if (color.is_transparent() || !(width > 0) || !sane(width) || !sane(from.x) || !sane(from.y)
        || !sane(to.x) || !sane(to.y))
        return;
    from.x += float(m_state.translation.x);
    from.y += float(m_state.translation.y);
    to.x += float(m_state.translation.x);
    to.y += float(m_state.translation.y);
    float dx = to.x - from.x;
    float dy = to.y - from.y;
    float length = __builtin_sqrtf(dx * dx + dy * dy);
    if (length < 1e-4f)
        return;
    // Unit vectors along the line and across it.
    float along_x = dx / length;
    float along_y = dy / length;
    float across_x = -along_y;
    float across_y = along_x;
    float half_width = width / 2;
    Support::PixelFootprint footprint(along_x, along_y);

    // The line's rectangle grown by a pixel on every side: no pixel outside it is touched.
    float grow = half_width + 1;
    FloatPoint corners[4] = {
        {from.x + across_x * grow - along_x, from.y + across_y * grow - along_y},
        {to.x + across_x * grow + along_x, to.y + across_y * grow + along_y},
        {to.x - across_x * grow + along_x, to.y - across_y * grow + along_y},
        {from.x - across_x * grow - along_x, from.y - across_y * grow - along_y},
    };
    float min_y = corners[0].y;
    float max_y = corners[0].y;
    for (auto const& corner : corners) {
        min_y = Base::min(min_y, corner.y);
        max_y = Base::max(max_y, corner.y);
    }
    int first_row = Base::max(Support::floor_to_int(min_y), m_state.clip.top());
    int last_row = Base::min(Support::floor_to_int(max_y), m_state.clip.bottom() - 1);
    u32 pixel = color.premultiplied();
    for (int y = first_row; y <= last_row; ++y) {
        // The x range of the grown rectangle within this row's band [y, y + 1].
        float band_top = float(y);
        float band_bottom = float(y + 1);
        float min_x = 1e9f;
        float max_x = -1e9f;
        for (int i = 0; i < 4; ++i) {
            FloatPoint a = corners[i];
            FloatPoint b = corners[(i + 1) % 4];
            if (a.y > b.y) {
                FloatPoint swapped = a;
                a = b;
                b = swapped;
            }
            if (b.y < band_top || a.y > band_bottom)
                continue;
            float y0 = Base::max(a.y, band_top);
            float y1 = Base::min(b.y, band_bottom);
            float slope = (b.y - a.y) > 1e-6f ? (b.x - a.x) / (b.y - a.y) : 0;
            float x0 = (b.y - a.y) > 1e-6f ? a.x + (y0 - a.y) * slope : Base::min(a.x, b.x);
            float x1 = (b.y - a.y) > 1e-6f ? a.x + (y1 - a.y) * slope : Base::max(a.x, b.x);
            min_x = Base::min(min_x, Base::min(x0, x1));
            max_x = Base::max(max_x, Base::max(x0, x1));
        }
        if (min_x > max_x)
            continue;
        int first_column = Base::max(Support::floor_to_int(min_x), m_state.clip.left());
        int last_column = Base::min(Support::floor_to_int(max_x), m_state.clip.right() - 1);
        u32* row = m_target.scanline(y);
        float centre_y = float(y) + 0.5f - from.y;
        for (int x = first_column; x <= last_column; ++x) {
            float centre_x = float(x) + 0.5f - from.x;
            float along = centre_x * along_x + centre_y * along_y;
            float across = centre_x * across_x + centre_y * across_y;
            // The share of the pixel square inside the line's band, times the share between
            // its two ends (exact along the sides, an estimate only at the corners).
            float coverage
                = (footprint.share_below(half_width - across) - footprint.share_below(-half_width - across))
                * (footprint.share_below(length - along) - footprint.share_below(-along));
            if (coverage <= 0)
                continue;
            u32 amount = u32(coverage * 255.0f + 0.5f);
            if (amount)
                row[x] = blend_over(row[x], scale_pixel(pixel, amount));
        }
    }
}

void Painter::blit(Point destination, Bitmap const& source, Rect source_rect, BlendMode mode, u8 opacity)
{
    source_rect = source_rect.intersected(source.rect());
    if (source_rect.is_empty() || opacity == 0)
        return;
    Rect target_rect = to_target({destination.x, destination.y, source_rect.width, source_rect.height});
    Rect area = target_rect.intersected(m_state.clip);
    if (area.is_empty())
        return;
    int source_x = source_rect.x + (area.x - target_rect.x);
    int source_y = source_rect.y + (area.y - target_rect.y);
    for (int row_index = 0; row_index < area.height; ++row_index) {
        u32 const* from = source.scanline(source_y + row_index) + source_x;
        u32* to = m_target.scanline(area.y + row_index) + area.x;
        if (mode == BlendMode::Copy) {
            if (opacity == 255) {
                __builtin_memmove(to, from, usize(area.width) * 4);
                continue;
            }
            // Cairo's SOURCE with a constant mask: a blend between destination and source.
            for (int i = 0; i < area.width; ++i)
                to[i] = add_pixels(scale_pixel(from[i], opacity), scale_pixel(to[i], 255 - opacity));
            continue;
        }
        if (opacity == 255) {
            for (int i = 0; i < area.width; ++i) {
                u32 pixel = from[i];
                u32 alpha = pixel >> 24;
                if (alpha == 255)
                    to[i] = pixel;
                else if (alpha != 0)
                    to[i] = blend_over(to[i], pixel);
            }
            continue;
        }
        for (int i = 0; i < area.width; ++i) {
            u32 pixel = from[i];
            if (pixel >> 24)
                to[i] = blend_over(to[i], scale_pixel(pixel, opacity));
        }
    }
}

} // namespace Windowing
