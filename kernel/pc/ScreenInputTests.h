/*
 * kernel/pc/ScreenInputTests.h: the in-kernel halves of tests/system/ScreenInputTest.cpp.
 *
 *     screen_pattern  draws screen_pattern_pixel() over the whole screen, checks it reads
 *                     back, logs `test screen_pattern: drawn WxH` and passes at the first key
 *                     release (the host takes a screendump in between)
 *     input_echo      logs every input event in the format of log_input_event() and passes
 *                     when Escape is released
 */
#pragma once

#include <kernel/hal/Input.h>
#include <kernel/hal/Screen.h>
#include <kernel/pc/Tests.h>

namespace Kernel::Tests {

// The test pattern, also computed by the host test: the top quarter shows eight colour bars
// (white, yellow, cyan, green, magenta, red, blue, black, left to right, each x * 8 / width);
// below, red = x * 255 / (width - 1), green = (y - band) * 255 / (height - band - 1) with
// band = height / 4, blue = (x ^ y) & 255.
Hal::Pixel screen_pattern_pixel(u32 x, u32 y, u32 width, u32 height);

// Logs one event, e.g. `input: key a pressed modifiers=shift character=U+0041`,
// `input: pointer absolute x=100 y=200`, `input: button left released`, `input: wheel x=0 y=-1`.
void log_input_event(Hal::InputEvent const&);

TestVerdict screen_pattern();
TestVerdict input_echo();

} // namespace Kernel::Tests
