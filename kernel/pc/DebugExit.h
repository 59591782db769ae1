/*
 * kernel/pc/DebugExit.h: the test verdict through QEMU's isa-debug-exit device
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04). QEMU exits with status (code << 1) | 1:
 * 33 for a pass, 35 for a failure, 37 after a panic.
 */
#pragma once

#include <base/Types.h>

namespace Kernel {

enum class EmulatorExitCode : u8 {
    Pass = 0x10,
    Fail = 0x11,
    Panic = 0x12,
};

// Asks QEMU to exit. Returns only when there is no isa-debug-exit device (real hardware,
// or QEMU started without it); the caller then halts.
void exit_emulator(EmulatorExitCode);

} // namespace Kernel
