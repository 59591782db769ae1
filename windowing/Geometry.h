/*
 * windowing/Geometry.h: integer screen geometry for the window system — Point, Size and
 * Rect — plus FloatPoint for anti-aliased drawing. A Rect is half-open: it covers the
 * pixels x..x+width-1 and y..y+height-1, so right() and bottom() are one past the edge.
 *
 *     Rect window {100, 80, 640, 480};
 *     Rect visible = window.intersected(screen);
 *     RectPieces pieces = damage.subtracted(window); // at most 4 disjoint rects
 */
#pragma once

#include <base/StdLibExtras.h>
#include <base/Types.h>

namespace Windowing {

// Geometry may come from misbehaving programs, so edge and size sums are computed in 64 bits
// and clamped to int instead of overflowing.
constexpr int saturate_to_int(i64 value)
{
    constexpr i64 lowest = -2147483647 - 1;
    constexpr i64 highest = 2147483647;
    return int(value < lowest ? lowest : (value > highest ? highest : value));
}

struct Point {
    int x {0};
    int y {0};

    constexpr Point translated(int dx, int dy) const
    {
        return {saturate_to_int(i64(x) + dx), saturate_to_int(i64(y) + dy)};
    }
    constexpr bool operator==(Point const&) const = default;
};

struct FloatPoint {
    float x {0};
    float y {0};
};

struct Size {
    int width {0};
    int height {0};

    constexpr bool is_empty() const { return width <= 0 || height <= 0; }
    constexpr bool operator==(Size const&) const = default;
};

struct RectPieces;

struct Rect {
    int x {0};
    int y {0};
    int width {0};
    int height {0};

    static constexpr Rect from_edges(int left, int top, int right, int bottom)
    {
        return {left, top, saturate_to_int(i64(right) - left), saturate_to_int(i64(bottom) - top)};
    }

    constexpr int left() const { return x; }
    constexpr int top() const { return y; }
    constexpr int right() const { return saturate_to_int(i64(x) + width); }
    constexpr int bottom() const { return saturate_to_int(i64(y) + height); }
    constexpr Point location() const { return {x, y}; }
    constexpr Size size() const { return {width, height}; }
    constexpr bool is_empty() const { return width <= 0 || height <= 0; }
    // Area in pixels, 0 for an empty rect.
    constexpr i64 area() const { return is_empty() ? 0 : i64(width) * height; }

    constexpr bool contains(Point point) const
    {
        return point.x >= x && point.y >= y && point.x < right() && point.y < bottom();
    }
    // An empty rect is contained in every rect.
    constexpr bool contains(Rect const& other) const
    {
        if (other.is_empty())
            return true;
        return other.x >= x && other.y >= y && other.right() <= right() && other.bottom() <= bottom();
    }
    constexpr bool intersects(Rect const& other) const { return !intersected(other).is_empty(); }

    // The common part; an empty rect (0,0,0,0) when they do not overlap.
    constexpr Rect intersected(Rect const& other) const
    {
        int left = Base::max(x, other.x);
        int top = Base::max(y, other.y);
        int right_edge = Base::min(right(), other.right());
        int bottom_edge = Base::min(bottom(), other.bottom());
        if (left >= right_edge || top >= bottom_edge)
            return {};
        return from_edges(left, top, right_edge, bottom_edge);
    }
    // The smallest rect holding both; empty rects are ignored.
    constexpr Rect united(Rect const& other) const
    {
        if (is_empty())
            return other.is_empty() ? Rect {} : other;
        if (other.is_empty())
            return *this;
        return from_edges(Base::min(x, other.x), Base::min(y, other.y), Base::max(right(), other.right()),
            Base::max(bottom(), other.bottom()));
    }
    constexpr Rect translated(int dx, int dy) const
    {
        return {saturate_to_int(i64(x) + dx), saturate_to_int(i64(y) + dy), width, height};
    }
    // Grown by `amount` on every side (shrunk when negative).
    constexpr Rect inflated(int amount) const
    {
        return {saturate_to_int(i64(x) - amount), saturate_to_int(i64(y) - amount),
            saturate_to_int(i64(width) + 2 * i64(amount)), saturate_to_int(i64(height) + 2 * i64(amount))};
    }

    // This rect minus `other`, as at most four disjoint rects (top band, bottom band, then
    // the left and right parts of the middle band).
    constexpr RectPieces subtracted(Rect const& other) const;

    constexpr bool operator==(Rect const&) const = default;
};

// The result of Rect::subtracted(): up to four rects, no allocation.
struct RectPieces {
    Rect rects[4] {};
    int count {0};

    constexpr Rect const* begin() const { return rects; }
    constexpr Rect const* end() const { return rects + count; }
};

constexpr RectPieces Rect::subtracted(Rect const& other) const
{
    RectPieces pieces;
    if (is_empty())
        return pieces;
    Rect cut = intersected(other);
    if (cut.is_empty()) {
        pieces.rects[pieces.count++] = *this;
        return pieces;
    }
    if (cut.top() > top())
        pieces.rects[pieces.count++] = from_edges(left(), top(), right(), cut.top());
    if (cut.bottom() < bottom())
        pieces.rects[pieces.count++] = from_edges(left(), cut.bottom(), right(), bottom());
    if (cut.left() > left())
        pieces.rects[pieces.count++] = from_edges(left(), cut.top(), cut.left(), cut.bottom());
    if (cut.right() < right())
        pieces.rects[pieces.count++] = from_edges(cut.right(), cut.top(), right(), cut.bottom());
    return pieces;
}

} // namespace Windowing
