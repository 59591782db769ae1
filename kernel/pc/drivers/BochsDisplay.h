/*
 * kernel/pc/drivers/BochsDisplay.h: the Bochs VBE display of QEMU (`-vga std` or
 * `-device bochs-display`, PCI 1234:1111): a linear framebuffer in BAR 0 and the DISPI
 * mode registers, reached through the MMIO BAR 2 (offset 0x500) when the device has one,
 * else through I/O ports 0x1CE/0x1CF. It implements the pc side of kernel/hal/Screen.h:
 * the framebuffer handed out is the display memory itself, so present() has nothing to copy.
 *
 * The mode is 32 bits per pixel; its size comes from the kernel command line
 * (`screen=800x600`), default 1024x768. The display stays in VGA text mode, showing the boot
 * log, until the first Hal::framebuffer() or Hal::set_screen_mode() call switches it to
 * graphics; from then on the log goes to COM1 only.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/StringView.h>
#include <kernel/hal/Screen.h>

namespace Kernel {

// Finds the display and remembers the mode asked for by the command line's `screen=WxH`
// (default 1024x768) for the first Hal::framebuffer() call; logs what it found. Without a
// display it logs why and the machine runs without a screen (Hal::framebuffer() gives nothing).
void initialize_screen(StringView command_line);

// The size of the current mode, or of the mode the first Hal::framebuffer() call will set
// (1024x768 without a display), without switching the display: what absolute pointer
// positions are scaled to.
Hal::ScreenSize screen_size();

} // namespace Kernel
