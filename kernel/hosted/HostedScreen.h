/*
 * kernel/hosted/HostedScreen.h: the hosted screen and input, beyond what kernel/hal/Screen.h
 * and kernel/hal/Input.h offer: the things a test or a window needs.
 *
 * The screen is a memory buffer (headless). Its first size comes from the word
 * `screen=WxH` (configure_screen_argument(), or PHANTOM_SCREEN=WxH), default 1024x768, and
 * is set by the first Hal::framebuffer() call. save_screen_image() writes it as a PPM file;
 * a window (or a test) can watch present() with set_present_listener(). Input events come
 * from feed_input_event()/feed_key(), as a window or a test produces them.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <base/StringView.h>
#include <kernel/hal/Input.h>
#include <kernel/hal/Screen.h>

namespace Hosted {

// Remembers `argument` if it is `screen=WxH`; returns whether it was.
bool configure_screen_argument(StringView argument);

// Writes the current screen as a binary PPM (P6, 8 bits per channel) at `path`; fails when
// there is no screen yet or the file cannot be written.
ErrorOr<void> save_screen_image(StringView path);

// Called by every Hal::present() with its rectangles, on the presenting thread.
using PresentListener = void (*)(void* context, Span<Hal::Rect const> damaged);
void set_present_listener(PresentListener, void* context);

// How many Hal::present() calls and rectangles there were since the start.
struct PresentStatistics {
    u64 calls {0};
    u64 rectangles {0};
};
PresentStatistics present_statistics();

// Queues an event as a device would (thread-safe; wakes the Hal::Event of set_input_wake_up()).
void feed_input_event(Hal::InputEvent const&);

// Queues a key event with the modifiers of the keys fed so far (Shift, Control, Alt, Super
// held; Caps Lock toggled) and the character it types on a US layout.
void feed_key(Hal::KeyCode, Hal::KeyState);

// Forgets every queued event, the held keys and the drop count (between tests).
void reset_input();

} // namespace Hosted
