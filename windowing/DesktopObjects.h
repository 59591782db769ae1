/*
 * windowing/DesktopObjects.h: the window system's objects in the VM heap — the slot layout
 * of the internal classes Image, Window, Desktop and Event (DesktopNatives.cpp declares their
 * fields in this order) and the table of those classes for the world.
 *
 *     options.native_classes = Windowing::desktop_native_classes(); // World.h: every boot
 *
 * These objects are the truth about windows: title, frame, restore frame, state, layer,
 * z-order, focus order and the content pixels (a Raw object of premultiplied ARGB32) all live
 * in the heap, so in the persistent address space. The compositor (DesktopRuntime.h) is made
 * again from them after every boot.
 */
#pragma once

#include <base/Span.h>
#include <vm/VirtualMachine.h>

namespace Windowing {

// Image: an offscreen picture the painting natives draw into.
namespace ImageSlot {
    constexpr u32 pixels = 0; // Raw object, width * height * 4 bytes
    constexpr u32 width = 1;
    constexpr u32 height = 2;
    constexpr u32 clip_x = 3; // The clip rect of the painting natives; nil when none.
    constexpr u32 clip_y = 4;
    constexpr u32 clip_width = 5;
    constexpr u32 clip_height = 6;
    constexpr u32 count = 7;
} // namespace ImageSlot

// Window: an Image on the screen (its pixels are the content), plus what the compositor needs.
namespace WindowSlot {
    constexpr u32 title = ImageSlot::count + 0; // String
    constexpr u32 x = ImageSlot::count + 1;     // the frame, decorations included
    constexpr u32 y = ImageSlot::count + 2;
    constexpr u32 frame_width = ImageSlot::count + 3;
    constexpr u32 frame_height = ImageSlot::count + 4;
    constexpr u32 restore_x = ImageSlot::count + 5; // the frame to go back to from maximized
    constexpr u32 restore_y = ImageSlot::count + 6;
    constexpr u32 restore_width = ImageSlot::count + 7;
    constexpr u32 restore_height = ImageSlot::count + 8;
    constexpr u32 state = ImageSlot::count + 9;                  // WindowState as an integer
    constexpr u32 state_before_minimize = ImageSlot::count + 10; // WindowState
    constexpr u32 layer = ImageSlot::count + 11;                 // WindowLayer
    constexpr u32 z_order = ImageSlot::count + 12;
    constexpr u32 focus_order = ImageSlot::count + 13;
    constexpr u32 owner = ImageSlot::count + 14;   // any object of the program (its events' handler)
    constexpr u32 desktop = ImageSlot::count + 15; // the Desktop it is open on, or nil
    constexpr u32 count = ImageSlot::count + 16;
} // namespace WindowSlot

// Desktop: the persistent window list and what belongs to the whole screen.
namespace DesktopSlot {
    constexpr u32 windows = 0;   // Array of the open Windows
    constexpr u32 focused = 1;   // Window or nil
    constexpr u32 clipboard = 2; // String
    constexpr u32 next_z_order = 3;
    constexpr u32 next_focus_order = 4;
    constexpr u32 count = 5;
} // namespace DesktopSlot

// Event: one input or window event, handed to the program by Desktop.pump().
namespace EventSlot {
    constexpr u32 type = 0;   // String: key keyup move down up wheel focus blur resize close press
    constexpr u32 window = 1; // the Window it is for (nil for "press", which is about the screen)
    constexpr u32 x = 2;      // pointer position in content coordinates (screen ones for "press")
    constexpr u32 y = 3;
    constexpr u32 key = 4;       // key name ("a", "enter", "left"), nil when not a key event
    constexpr u32 text = 5;      // the character typed ("" when none)
    constexpr u32 modifiers = 6; // Hal::Modifier bits: 1 shift, 2 control, 4 alt, 8 super, 16 caps lock
    constexpr u32 button = 7;    // "left", "right", "middle", ...
    constexpr u32 wheel_x = 8;
    constexpr u32 wheel_y = 9;
    constexpr u32 width = 10; // the content size
    constexpr u32 height = 11;
    constexpr u32 count = 12;
} // namespace EventSlot

// Whether the port shows its screen to someone: `Desktop.hasScreen()` answers true only with
// Shown and a framebuffer (pc: a Bochs display). Hidden (the hosted port's memory buffer, and
// tests) makes it false; every other native behaves the same, so a world moves between both.
enum class ScreenUse : u8 { Hidden, Shown };

// Image, Window, Desktop and Event, in registration order (Window after Image).
[[nodiscard]] Span<VM::NativeClass const> desktop_native_classes(ScreenUse = ScreenUse::Hidden);

} // namespace Windowing
