/*
 * windowing/Color.h: colours and ARGB32 pixel arithmetic.
 *
 * A Color is what code writes: straight (not premultiplied) alpha, red, green, blue, as in
 * Color::from_argb(0x80ff0000) for half-transparent red. A pixel in a Bitmap is a u32 in
 * native order 0xAARRGGBB with PREMULTIPLIED alpha (each colour channel already multiplied
 * by alpha), the layout of Cairo's CAIRO_FORMAT_ARGB32 and pixman's a8r8g8b8, so blending is
 * one multiply-add per channel and Cairo can render into the same memory for comparison.
 *
 * The pixel helpers work on two channels at once (0x00ff00ff masks) and divide by 255 with
 * rounding exactly as pixman does, so results match the reference bit for bit where the
 * operation is the same.
 */
#pragma once

#include <base/Types.h>

namespace Windowing {

// a * b / 255, rounded to nearest (pixman's MUL_UN8).
constexpr u32 multiply_u8(u32 a, u32 b)
{
    u32 t = a * b + 0x80;
    return ((t >> 8) + t) >> 8;
}

// Every channel of a premultiplied pixel times factor/255.
constexpr u32 scale_pixel(u32 pixel, u32 factor)
{
    u32 red_blue = (pixel & 0x00ff00ff) * factor + 0x00800080;
    red_blue = ((red_blue + ((red_blue >> 8) & 0x00ff00ff)) >> 8) & 0x00ff00ff;
    u32 alpha_green = ((pixel >> 8) & 0x00ff00ff) * factor + 0x00800080;
    alpha_green = (alpha_green + ((alpha_green >> 8) & 0x00ff00ff)) & 0xff00ff00;
    return red_blue | alpha_green;
}

// Saturating per-channel add of two premultiplied pixels.
constexpr u32 add_pixels(u32 a, u32 b)
{
    u32 red_blue = (a & 0x00ff00ff) + (b & 0x00ff00ff);
    red_blue |= 0x01000100 - ((red_blue >> 8) & 0x00010001);
    u32 alpha_green = ((a >> 8) & 0x00ff00ff) + ((b >> 8) & 0x00ff00ff);
    alpha_green |= 0x01000100 - ((alpha_green >> 8) & 0x00010001);
    return (red_blue & 0x00ff00ff) | ((alpha_green & 0x00ff00ff) << 8);
}

// Porter-Duff source-over of premultiplied pixels: source + destination * (1 - source alpha).
constexpr u32 blend_over(u32 destination, u32 source)
{
    u32 inverse_alpha = 255 - (source >> 24);
    if (inverse_alpha == 0)
        return source;
    return add_pixels(source, scale_pixel(destination, inverse_alpha));
}

class Color {
public:
    constexpr Color() = default;
    constexpr Color(u8 red, u8 green, u8 blue, u8 alpha = 255)
        : m_argb((u32(alpha) << 24) | (u32(red) << 16) | (u32(green) << 8) | blue)
    { }
    // 0xAARRGGBB, straight alpha.
    static constexpr Color from_argb(u32 argb)
    {
        Color color;
        color.m_argb = argb;
        return color;
    }
    // 0xRRGGBB, opaque.
    static constexpr Color from_rgb(u32 rgb) { return from_argb(0xff000000 | rgb); }

    constexpr u8 alpha() const { return u8(m_argb >> 24); }
    constexpr u8 red() const { return u8(m_argb >> 16); }
    constexpr u8 green() const { return u8(m_argb >> 8); }
    constexpr u8 blue() const { return u8(m_argb); }
    constexpr u32 argb() const { return m_argb; }
    constexpr bool is_opaque() const { return alpha() == 255; }
    constexpr bool is_transparent() const { return alpha() == 0; }

    constexpr Color with_alpha(u8 alpha) const
    {
        return from_argb((m_argb & 0x00ffffff) | (u32(alpha) << 24));
    }

    // The pixel value of this colour: premultiplied ARGB32.
    constexpr u32 premultiplied() const
    {
        u32 a = alpha();
        if (a == 255)
            return m_argb;
        return (a << 24) | (multiply_u8(red(), a) << 16) | (multiply_u8(green(), a) << 8)
            | multiply_u8(blue(), a);
    }

    // The colour of a premultiplied pixel (rounded).
    static constexpr Color from_premultiplied(u32 pixel)
    {
        u32 a = pixel >> 24;
        if (a == 0)
            return {};
        if (a == 255)
            return from_argb(pixel);
        auto channel = [a](u32 value) { return u8(value >= a ? 255 : (value * 255 + a / 2) / a); };
        return Color(
            channel((pixel >> 16) & 0xff), channel((pixel >> 8) & 0xff), channel(pixel & 0xff), u8(a));
    }

    // Straight-alpha interpolation: position 0 gives *this, 255 gives `other`.
    constexpr Color interpolated(Color other, u32 position) const
    {
        auto mix = [position](u32 from, u32 to) {
            return u8((from * (255 - position) + to * position + 127) / 255);
        };
        return Color(mix(red(), other.red()), mix(green(), other.green()), mix(blue(), other.blue()),
            mix(alpha(), other.alpha()));
    }

    constexpr bool operator==(Color const&) const = default;

private:
    u32 m_argb {0}; // Transparent black by default.
};

} // namespace Windowing
