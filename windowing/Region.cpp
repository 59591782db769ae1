/*
 * windowing/Region.cpp: the disjoint-rect set operations of Region (see Region.h).
 */
#include <windowing/Region.h>

namespace Windowing {

namespace {

    // Room for the intermediate pieces of one operation: every rect can split into four.
    constexpr int scratch_capacity = Region::capacity * 4;

    struct Scratch {
        Rect rects[scratch_capacity];
        int count {0};
        bool overflowed {false};

        void append(Rect rect)
        {
            if (rect.is_empty())
                return;
            if (count == scratch_capacity) {
                overflowed = true;
                return;
            }
            rects[count++] = rect;
        }
    };

    // Joins rects that share a whole edge, so repeated adds of neighbouring damage (a dragged
    // window, a text cursor) do not fragment the region.
    void coalesce(Rect* rects, int& count)
    {
        bool merged = true;
        while (merged) {
            merged = false;
            for (int i = 0; i < count && !merged; ++i) {
                for (int j = i + 1; j < count; ++j) {
                    Rect& a = rects[i];
                    Rect const& b = rects[j];
                    bool same_columns = a.left() == b.left() && a.right() == b.right();
                    bool same_rows = a.top() == b.top() && a.bottom() == b.bottom();
                    bool vertical_neighbours = a.bottom() == b.top() || b.bottom() == a.top();
                    bool horizontal_neighbours = a.right() == b.left() || b.right() == a.left();
                    if ((same_columns && vertical_neighbours) || (same_rows && horizontal_neighbours)) {
                        a = a.united(b);
                        rects[j] = rects[count - 1];
                        --count;
                        merged = true;
                        break;
                    }
                }
            }
        }
    }

} // namespace

Rect Region::bounds() const
{
    Rect result;
    for (int i = 0; i < m_count; ++i)
        result = result.united(m_rects[i]);
    return result;
}

i64 Region::area() const
{
    i64 total = 0;
    for (int i = 0; i < m_count; ++i)
        total += m_rects[i].area();
    return total;
}

bool Region::contains(Point point) const
{
    for (int i = 0; i < m_count; ++i) {
        if (m_rects[i].contains(point))
            return true;
    }
    return false;
}

bool Region::intersects(Rect rect) const
{
    for (int i = 0; i < m_count; ++i) {
        if (m_rects[i].intersects(rect))
            return true;
    }
    return false;
}

void Region::collapse_to_bounds()
{
    Rect all = bounds();
    m_count = 0;
    if (!all.is_empty())
        m_rects[m_count++] = all;
    m_exact = false;
}

// Adds `rect` without keeping the rects disjoint; only collapse_to_bounds() may follow.
void Region::append(Rect rect)
{
    if (m_count == capacity) {
        m_rects[0] = bounds().united(rect);
        m_count = 1;
        m_exact = false;
        return;
    }
    m_rects[m_count++] = rect;
}

void Region::add(Rect rect)
{
    if (rect.is_empty())
        return;
    // Rects the new one swallows go first; that keeps the list short.
    for (int i = 0; i < m_count;) {
        if (rect.contains(m_rects[i]))
            m_rects[i] = m_rects[--m_count];
        else if (m_rects[i].contains(rect))
            return;
        else
            ++i;
    }
    // The parts of `rect` not yet covered.
    Scratch pieces;
    pieces.append(rect);
    for (int i = 0; i < m_count && pieces.count > 0; ++i) {
        if (!m_rects[i].intersects(rect))
            continue;
        Scratch next;
        for (int p = 0; p < pieces.count; ++p) {
            for (Rect const& piece : pieces.rects[p].subtracted(m_rects[i]))
                next.append(piece);
        }
        if (next.overflowed) {
            append(rect);
            collapse_to_bounds();
            return;
        }
        pieces = next;
    }
    if (m_count + pieces.count > capacity) {
        append(rect);
        collapse_to_bounds();
        return;
    }
    for (int p = 0; p < pieces.count; ++p)
        m_rects[m_count++] = pieces.rects[p];
    coalesce(m_rects, m_count);
}

void Region::add(Region const& other)
{
    for (Rect const& rect : other.rects())
        add(rect);
    if (!other.m_exact)
        m_exact = false;
}

void Region::subtract(Rect rect)
{
    if (rect.is_empty() || !intersects(rect))
        return;
    Scratch result;
    for (int i = 0; i < m_count; ++i) {
        for (Rect const& piece : m_rects[i].subtracted(rect))
            result.append(piece);
    }
    coalesce(result.rects, result.count);
    if (result.count > capacity) {
        // Too fragmented to hold exactly: keep the larger, conservative set.
        Rect all;
        for (int i = 0; i < result.count; ++i)
            all = all.united(result.rects[i]);
        m_rects[0] = all;
        m_count = 1;
        m_exact = false;
        return;
    }
    for (int i = 0; i < result.count; ++i)
        m_rects[i] = result.rects[i];
    m_count = result.count;
}

void Region::intersect(Rect rect)
{
    int kept = 0;
    for (int i = 0; i < m_count; ++i) {
        Rect part = m_rects[i].intersected(rect);
        if (!part.is_empty())
            m_rects[kept++] = part;
    }
    m_count = kept;
}

void Region::translate(int dx, int dy)
{
    for (int i = 0; i < m_count; ++i)
        m_rects[i] = m_rects[i].translated(dx, dy);
}

} // namespace Windowing
