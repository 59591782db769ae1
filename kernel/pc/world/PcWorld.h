/*
 * kernel/pc/world/PcWorld.h: the pc port's side of a world (vm/world/World.h): the virtio
 * disk, COM1 as the console (output shared with the kernel log, interrupt-driven input), the
 * program of a fresh world from the images embedded in the kernel, and the power button.
 *
 * Command line (outside test mode):
 *     world=NAME        the embedded program a fresh world installs (default `system`)
 *     fresh             install a fresh world even over the one on the disk
 *     snapshot_ms=N     periodic snapshots every N ms (0: none; default: the PAS's own)
 *     commit_output=1   a snapshot right after each output
 * Without a disk the kernel logs it and idles until the power button turns it off.
 */
#pragma once

#include <base/StringView.h>

namespace Kernel {

// Starts the thread that runs the world (or, without a disk, waits for the power button);
// either way the power button ends in Hal::power_off(). `command_line` must live for ever.
void start_world(StringView command_line);

} // namespace Kernel
