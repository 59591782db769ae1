/*
 * windowing/PainterEffects.cpp: the soft drop shadow and text drawing of Painter (see
 * Painter.h).
 */
#include <windowing/Font.h>
#include <windowing/Painter.h>
#include <windowing/PainterSupport.h>
#include <windowing/Utf8.h>

namespace Windowing {

namespace {

    // The blur of a rect by two box passes is separable: along x it is C(x - left) - C(x - right),
    // where C is the running sum of the triangle kernel (box convolved with box). This table
    // holds C for the offsets where it is neither 0 nor 1.
    class BlurProfile {
    public:
        static constexpr int max_half_width = Painter::max_shadow_radius / 2;

        explicit BlurProfile(int half_width)
            : m_box(2 * half_width + 1)
        {
            // Triangle kernel K(s) = (box - |s|) / box^2 for |s| < box, summed from the left.
            float total = 0;
            float box_squared = float(m_box) * float(m_box);
            for (int index = 0; index < 2 * m_box - 1; ++index) {
                int offset = index - (m_box - 1);
                total += float(m_box - (offset < 0 ? -offset : offset)) / box_squared;
                m_running[index] = total;
            }
        }

        int reach() const { return m_box - 1; }

        // C(offset): the share of the kernel at or left of `offset`.
        float cumulative(int offset) const
        {
            if (offset < -(m_box - 1))
                return 0;
            if (offset >= m_box - 1)
                return 1;
            return m_running[offset + m_box - 1];
        }

        float coverage(int position, int low_edge, int high_edge) const
        {
            return cumulative(position - low_edge) - cumulative(position - high_edge);
        }

    private:
        int m_box;
        float m_running[2 * (2 * max_half_width + 1)];
    };

} // namespace

void Painter::draw_shadow(Rect rect, int radius, Color color, Rect covered)
{
    if (rect.is_empty() || color.is_transparent())
        return;
    radius = Base::clamp(radius, 0, max_shadow_radius);
    BlurProfile profile(radius / 2);
    Rect moved = to_target(rect);
    Rect area = moved.inflated(profile.reach()).intersected(m_state.clip);
    if (area.is_empty())
        return;
    Rect skipped = to_target(covered);
    u32 pixel = color.premultiplied();
    // Columns where the horizontal profile is exactly 1; the columns left and right of them
    // (at most a few blur widths) get their profile computed once, not per row.
    int full_left = Base::clamp(moved.left() + profile.reach(), area.left(), area.right());
    int full_right = Base::clamp(moved.right() - profile.reach(), full_left, area.right());
    constexpr int edge_capacity = 6 * max_shadow_radius + 8;
    float edges[edge_capacity];
    int left_count = full_left - area.left();
    int right_count = area.right() - full_right;
    VERIFY(left_count + right_count <= edge_capacity);
    for (int i = 0; i < left_count; ++i)
        edges[i] = profile.coverage(area.left() + i, moved.left(), moved.right());
    for (int i = 0; i < right_count; ++i)
        edges[left_count + i] = profile.coverage(full_right + i, moved.left(), moved.right());

    for (int y = area.top(); y < area.bottom(); ++y) {
        float vertical = profile.coverage(y, moved.top(), moved.bottom());
        if (vertical <= 0)
            continue;
        u32* row = m_target.scanline(y);
        float scale = vertical * 255.0f;
        auto shade_columns = [&](int first, int end, float const* horizontal) {
            for (int x = first; x < end; ++x) {
                u32 factor = u32(scale * horizontal[x - first] + 0.5f);
                if (factor)
                    row[x] = blend_over(row[x], scale_pixel(pixel, factor));
            }
        };
        u32 factor = u32(scale + 0.5f);
        u32 middle_pixel = factor >= 255 ? pixel : scale_pixel(pixel, factor);
        // Shades the columns [first, end) of this row.
        auto shade_range = [&](int first, int end) {
            int left_end = Base::min(end, full_left);
            if (first < left_end)
                shade_columns(first, left_end, edges + (first - area.left()));
            int middle_first = Base::max(first, full_left);
            int middle_end = Base::min(end, full_right);
            if (middle_first < middle_end && middle_pixel)
                fill_span(
                    row + middle_first, middle_end - middle_first, middle_pixel, (middle_pixel >> 24) == 255);
            int right_first = Base::max(first, full_right);
            if (right_first < end)
                shade_columns(right_first, end, edges + left_count + (right_first - full_right));
        };
        if (y >= skipped.top() && y < skipped.bottom() && !skipped.is_empty()) {
            shade_range(area.left(), Base::clamp(skipped.left(), area.left(), area.right()));
            shade_range(Base::clamp(skipped.right(), area.left(), area.right()), area.right());
        } else {
            shade_range(area.left(), area.right());
        }
    }
}

void Painter::draw_placed_glyph(
    PlacedGlyph const& glyph, PlacedGlyph const* previous, PlacedGlyph const* next, u32 pixel)
{
    Rect area = glyph.box.intersected(m_state.clip);
    if (area.is_empty())
        return;
    bool opaque = (pixel >> 24) == 255;
    for (int y = area.top(); y < area.bottom(); ++y) {
        u8 const* mask = glyph.coverage + usize(y - glyph.box.y) * glyph.box.width;
        u32* row = m_target.scanline(y);
        // Columns the next glyph also inks are left to it; columns the previous glyph left to
        // this one get its coverage added. Cairo composites the sum of overlapping glyphs'
        // coverages once (its glyph mask), and so does this.
        int skip_left = 0;
        int skip_right = 0;
        if (next && y >= next->box.top() && y < next->box.bottom()) {
            skip_left = next->box.left();
            skip_right = next->box.right();
        }
        u8 const* previous_mask = nullptr;
        int previous_left = 0;
        int previous_right = 0;
        if (previous && y >= previous->box.top() && y < previous->box.bottom()) {
            previous_mask = previous->coverage + usize(y - previous->box.y) * previous->box.width;
            previous_left = previous->box.left();
            previous_right = previous->box.right();
        }
        for (int x = area.left(); x < area.right(); ++x) {
            if (x >= skip_left && x < skip_right)
                continue;
            u32 amount = mask[x - glyph.box.x];
            if (previous_mask && x >= previous_left && x < previous_right)
                amount = Base::min(255u, amount + previous_mask[x - previous_left]);
            if (amount == 0)
                continue;
            if (amount == 255 && opaque)
                row[x] = pixel;
            else
                row[x] = blend_over(row[x], scale_pixel(pixel, amount));
        }
    }
}

Point Painter::draw_text(Point origin, StringView text, Font const& font, Color color)
{
    Point pen = Point {Support::sane_coordinate(origin.x), Support::sane_coordinate(origin.y)}.translated(
        m_state.translation.x, m_state.translation.y);
    u32 pixel = color.premultiplied();
    bool visible = !color.is_transparent();
    // Each glyph is drawn once the next one is known (see draw_placed_glyph()).
    PlacedGlyph placed[3];
    PlacedGlyph* previous = nullptr;
    PlacedGlyph* current = nullptr;
    int slot = 0;
    Utf8Decoder decoder(text);
    while (auto code_point = decoder.next()) {
        Glyph glyph = font.glyph_or_replacement(*code_point);
        Point at = pen.translated(glyph.left, glyph.top);
        pen.x = Support::sane_coordinate(pen.x + glyph.advance);
        if (glyph.width <= 0 || glyph.height <= 0 || !visible)
            continue;
        PlacedGlyph* next = &placed[slot];
        slot = (slot + 1) % 3;
        *next = {{at.x, at.y, glyph.width, glyph.height}, glyph.coverage};
        if (current)
            draw_placed_glyph(*current, previous, next, pixel);
        previous = current;
        current = next;
    }
    if (current)
        draw_placed_glyph(*current, previous, nullptr, pixel);
    return pen.translated(-m_state.translation.x, -m_state.translation.y);
}

} // namespace Windowing
