/*
 * kernel/pc/input/ScreenAndInput.h: brings up the screen and every input device of the pc
 * port in one call from kernel_main().
 */
#pragma once

#include <base/StringView.h>

namespace Kernel {

// The Bochs display (mode from `screen=WxH`), the PS/2 keyboard and mouse, and the
// virtio-input devices. Each logs what it found; none of them is required.
void initialize_screen_and_input(StringView command_line);

} // namespace Kernel
