/*
 * windowing/PainterSupport.h: small inline helpers shared by the Painter's source files —
 * span fills, coverage formulas and the gradient ramp. Private to windowing/.
 *
 * Floating point is limited to what compiles to plain SSE instructions (the library is built
 * with -fno-math-errno so __builtin_sqrtf is one sqrtss, no libm call).
 */
#pragma once

#include <base/Types.h>
#include <windowing/Color.h>
#include <windowing/Geometry.h>

namespace Windowing::Support {

// Coordinates further out than this are clamped: no screen is that large, and it keeps
// every sum of a coordinate, a size and a translation far from integer overflow even when
// the numbers come from a misbehaving program.
constexpr int coordinate_limit = 1 << 24;

inline int sane_coordinate(int value)
{
    return value < -coordinate_limit ? -coordinate_limit
                                     : (value > coordinate_limit ? coordinate_limit : value);
}

inline Rect sane_rect(Rect rect)
{
    int width = rect.width < 0 ? 0 : (rect.width > coordinate_limit ? coordinate_limit : rect.width);
    int height = rect.height < 0 ? 0 : (rect.height > coordinate_limit ? coordinate_limit : rect.height);
    return {sane_coordinate(rect.x), sane_coordinate(rect.y), width, height};
}

inline int floor_to_int(float value)
{
    int truncated = int(value);
    return float(truncated) > value ? truncated - 1 : truncated;
}

inline float clamp_unit(float value) { return value < 0 ? 0 : (value > 1 ? 1 : value); }

// How a unit pixel square spreads along a direction at an angle: the distance from a line
// (through the pixel centre, perpendicular to the direction) of a uniformly random point in
// the square is the sum of two uniform variables of widths |cos| and |sin|, with a
// trapezoid density. share_below(t) is the share of the square at distance <= t, i.e. the
// exact area of the square on one side of a line; the difference of two is the area
// inside a band.
class PixelFootprint {
public:
    PixelFootprint(float direction_x, float direction_y)
    {
        float a = direction_x < 0 ? -direction_x : direction_x;
        float b = direction_y < 0 ? -direction_y : direction_y;
        m_short = a < b ? a : b;
        m_long = a < b ? b : a;
        m_half_extent = (m_short + m_long) / 2;
        m_half_flat = (m_long - m_short) / 2;
    }

    float share_below(float distance) const
    {
        if (distance <= -m_half_extent)
            return 0;
        if (distance >= m_half_extent)
            return 1;
        if (m_short < 1e-4f) // Axis-aligned: a plain uniform spread.
            return (distance + m_half_extent) / m_long;
        if (distance < -m_half_flat) {
            float d = distance + m_half_extent;
            return d * d / (2 * m_short * m_long);
        }
        if (distance <= m_half_flat)
            return (distance + m_half_extent - m_short / 2) / m_long;
        float d = m_half_extent - distance;
        return 1 - d * d / (2 * m_short * m_long);
    }

private:
    float m_short;
    float m_long;
    float m_half_extent;
    float m_half_flat;
};

// Coverage 0..255 of a pixel whose centre is (dx, dy) from the centre of a circle of
// `radius`: the edge is taken as straight across the pixel (its tangent), whose exact area
// share PixelFootprint gives.
inline u32 circle_coverage(float dx, float dy, float radius)
{
    float distance = __builtin_sqrtf(dx * dx + dy * dy);
    if (distance < 1e-4f)
        return radius > 0.5f ? 255 : u32(radius * 2 * 255.0f + 0.5f);
    PixelFootprint footprint(dx / distance, dy / distance);
    float coverage = clamp_unit(footprint.share_below(radius - distance));
    return u32(coverage * 255.0f + 0.5f);
}

// Fills `count` pixels with an opaque pixel value.
inline void copy_span(u32* row, int count, u32 pixel)
{
    for (int i = 0; i < count; ++i)
        row[i] = pixel;
}

// Four pixels, and the same 16 bytes as eight 16-bit lanes (GCC vector extensions: plain
// SSE2 on x86-64, generic code elsewhere; no intrinsics, no port checks).
using PixelsX4 = u32 __attribute__((vector_size(16)));
using LanesX8 = u16 __attribute__((vector_size(16)));

// scale_pixel() on four pixels: each channel sits in its own 16-bit lane, so one 16-bit
// multiply per lane does what the scalar version does with 0x00ff00ff masks.
inline PixelsX4 scale_pixels_x4(PixelsX4 pixels, u16 factor)
{
    LanesX8 red_blue = reinterpret_cast<LanesX8>(pixels & 0x00ff00ff);
    LanesX8 alpha_green = reinterpret_cast<LanesX8>((pixels >> 8) & 0x00ff00ff);
    red_blue = red_blue * factor + 0x80;
    red_blue = (red_blue + (red_blue >> 8)) >> 8;
    alpha_green = alpha_green * factor + 0x80;
    alpha_green = (alpha_green + (alpha_green >> 8)) >> 8;
    return reinterpret_cast<PixelsX4>(red_blue) | (reinterpret_cast<PixelsX4>(alpha_green) << 8);
}

// Composites a premultiplied pixel over `count` pixels. With a valid premultiplied source
// (no channel above alpha) source + destination * (255 - alpha) / 255 never passes 255, so the
// vector path adds without saturation; the scalar tail uses the saturating add_pixels().
inline void blend_span(u32* row, int count, u32 pixel)
{
    u32 inverse_alpha = 255 - (pixel >> 24);
    int i = 0;
    PixelsX4 source = {pixel, pixel, pixel, pixel};
    for (; i + 4 <= count; i += 4) {
        PixelsX4 destination;
        __builtin_memcpy(&destination, row + i, sizeof(destination));
        destination = source + scale_pixels_x4(destination, u16(inverse_alpha));
        __builtin_memcpy(row + i, &destination, sizeof(destination));
    }
    for (; i < count; ++i)
        row[i] = add_pixels(pixel, scale_pixel(row[i], inverse_alpha));
}

// Colours of a two-stop linear gradient: straight-alpha interpolation, then premultiplied
// with rounding, as pixman's gradient walker does.
class GradientRamp {
public:
    GradientRamp(Color start, Color end)
    {
        Color colors[2] = {start, end};
        for (int i = 0; i < 2; ++i) {
            m_alpha[i] = float(colors[i].alpha());
            m_red[i] = float(colors[i].red()) / 255.0f;
            m_green[i] = float(colors[i].green()) / 255.0f;
            m_blue[i] = float(colors[i].blue()) / 255.0f;
        }
    }

    // The pixel at `position` (0 = start, 1 = end; clamped).
    u32 pixel_at(float position) const
    {
        float t = clamp_unit(position);
        float alpha = m_alpha[0] + (m_alpha[1] - m_alpha[0]) * t;
        float red = alpha * (m_red[0] + (m_red[1] - m_red[0]) * t);
        float green = alpha * (m_green[0] + (m_green[1] - m_green[0]) * t);
        float blue = alpha * (m_blue[0] + (m_blue[1] - m_blue[0]) * t);
        return (u32(alpha + 0.5f) << 24) | (u32(red + 0.5f) << 16) | (u32(green + 0.5f) << 8)
            | u32(blue + 0.5f);
    }

private:
    float m_alpha[2];
    float m_red[2];
    float m_green[2];
    float m_blue[2];
};

} // namespace Windowing::Support
