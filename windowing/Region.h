/*
 * windowing/Region.h: Region, a set of pixels kept as a list of disjoint rects — what the
 * compositor uses for damage ("these parts of the screen must be redrawn").
 *
 *     Region damage;
 *     damage.add(old_window_rect);
 *     damage.add(new_window_rect);
 *     damage.subtract(opaque_window_on_top);
 *     for (Rect const& rect : damage.rects()) repaint(rect);
 *
 * The rects never overlap, so repainting each one paints every damaged pixel exactly once.
 * A Region holds at most `capacity` rects in place (no allocation, so it can live on the
 * stack of the compositor or in the kernel). When an operation would need more, the region
 * merges: it becomes its bounding rect. That only ever GROWS the set — damage is redrawn
 * conservatively, never lost — and is_exact() reports whether it happened.
 */
#pragma once

#include <base/Span.h>
#include <windowing/Geometry.h>

namespace Windowing {

class Region {
public:
    static constexpr int capacity = 32;

    Region() = default;
    Region(Rect rect) { add(rect); }

    bool is_empty() const { return m_count == 0; }
    int rect_count() const { return m_count; }
    Span<Rect const> rects() const { return {m_rects, usize(m_count)}; }
    // The smallest rect holding every pixel of the region.
    Rect bounds() const;
    // Number of pixels (the rects are disjoint).
    i64 area() const;
    bool contains(Point point) const;
    bool intersects(Rect rect) const;
    // False once a merge (see above) made the region larger than what was asked.
    bool is_exact() const { return m_exact; }

    void clear()
    {
        m_count = 0;
        m_exact = true;
    }
    // Union with a rect or another region.
    void add(Rect rect);
    void add(Region const& other);
    // Removes the pixels of `rect`.
    void subtract(Rect rect);
    // Keeps only the pixels inside `rect`.
    void intersect(Rect rect);
    void translate(int dx, int dy);

private:
    void append(Rect rect);
    void collapse_to_bounds();

    Rect m_rects[capacity] {};
    int m_count {0};
    bool m_exact {true};
};

} // namespace Windowing
