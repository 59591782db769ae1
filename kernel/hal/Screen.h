/*
 * kernel/hal/Screen.h: the screen of the HAL, a linear 32-bit framebuffer.
 *
 * The OS essence draws straight into framebuffer().pixels, then calls present() with the
 * rectangles it changed. Pixels are 0x00RRGGBB in a native u32 (bytes B, G, R, unused in
 * memory). Rows are `stride` pixels apart, which may be more than `width`.
 *
 * What present() does is the port's business, and the contract is only this: what was
 * drawn before present() returns is on the screen afterwards.
 *   - pc: the pixels ARE the display's linear framebuffer (Bochs VBE), so drawing shows at
 *     once and present() is only a store fence. It is ordinary RAM in QEMU, so reading
 *     it back is cheap there; a compositor wanting tear-free frames keeps its own back buffer.
 *   - hosted: the pixels are a memory buffer; present() tells the window (if any) to repaint
 *     the damaged rectangles; headless it only counts them.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/Types.h>

namespace Hal {

// One pixel: 0x00RRGGBB.
using Pixel = u32;

// The pixel of a colour given by its red, green and blue components.
constexpr Pixel rgb(u8 red, u8 green, u8 blue) { return (u32(red) << 16) | (u32(green) << 8) | u32(blue); }

struct ScreenSize {
    u32 width {0};
    u32 height {0};
};

// A rectangle in screen pixels; x and y are its top left corner.
struct Rect {
    i32 x {0};
    i32 y {0};
    i32 width {0};
    i32 height {0};
};

// Where to draw: valid until the next set_screen_mode().
struct Framebuffer {
    Pixel* pixels {nullptr};
    u32 width {0};
    u32 height {0};
    // Pixels from the start of one row to the start of the next.
    u32 stride {0};

    // The pixel at (x, y); the caller keeps x < width and y < height.
    Pixel& at(u32 x, u32 y) const { return pixels[usize(y) * stride + x]; }
};

// The current framebuffer, or nothing when the machine has no screen. The first call may
// switch the display from the port's boot console to graphics in the port's initial mode
// (pc: the command line's `screen=WxH`, default 1024x768).
Optional<Framebuffer> framebuffer();

// Changes the screen to `size` (32 bits per pixel) and returns the new framebuffer; its
// contents are unspecified. Fails when the display cannot show that size.
ErrorOr<Framebuffer> set_screen_mode(ScreenSize);

// Makes everything drawn into the damaged rectangles visible (see the file comment).
void present(Span<Rect const> damaged);

} // namespace Hal
