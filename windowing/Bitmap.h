/*
 * windowing/Bitmap.h: Bitmap, a view over premultiplied ARGB32 pixels (see Color.h) with a
 * width, a height and a pitch in bytes between rows. The memory belongs to the caller —
 * window buffers live in the persistent address space, the screen is the HAL framebuffer —
 * so a Bitmap is two words plus sizes, cheap to copy, and never allocates.
 *
 *     Bitmap screen(framebuffer_pixels, 1024, 768, 1024 * 4);
 *     u32* row = screen.scanline(10);
 */
#pragma once

#include <base/Assertions.h>
#include <base/Types.h>
#include <windowing/Geometry.h>

namespace Windowing {

class Bitmap {
public:
    constexpr Bitmap() = default;
    // `pitch_in_bytes` must be a multiple of 4 and at least width * 4.
    Bitmap(u32* pixels, int width, int height, int pitch_in_bytes)
        : m_pixels(pixels)
        , m_width(width)
        , m_height(height)
        , m_pitch(pitch_in_bytes)
    {
        VERIFY(width >= 0 && height >= 0);
        VERIFY(pitch_in_bytes % 4 == 0 && pitch_in_bytes >= width * 4);
        VERIFY(pixels != nullptr || width == 0 || height == 0);
    }

    int width() const { return m_width; }
    int height() const { return m_height; }
    int pitch() const { return m_pitch; }
    Size size() const { return {m_width, m_height}; }
    Rect rect() const { return {0, 0, m_width, m_height}; }
    bool is_null() const { return m_pixels == nullptr; }
    u32* pixels() const { return m_pixels; }

    u32* scanline(int y) const
    {
        return reinterpret_cast<u32*>(reinterpret_cast<u8*>(m_pixels) + isize(y) * m_pitch);
    }
    u32 pixel(int x, int y) const
    {
        VERIFY(rect().contains(Point {x, y}));
        return scanline(y)[x];
    }
    void set_pixel(int x, int y, u32 value) const
    {
        VERIFY(rect().contains(Point {x, y}));
        scanline(y)[x] = value;
    }

    // A Bitmap over part of this one's memory (clipped to it).
    Bitmap sub_bitmap(Rect area) const
    {
        area = area.intersected(rect());
        if (area.is_empty())
            return {};
        return Bitmap(scanline(area.y) + area.x, area.width, area.height, m_pitch);
    }

private:
    u32* m_pixels {nullptr};
    int m_width {0};
    int m_height {0};
    int m_pitch {0};
};

} // namespace Windowing
