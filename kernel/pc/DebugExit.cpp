/*
 * kernel/pc/DebugExit.cpp: one port write; see DebugExit.h.
 */
#include <kernel/pc/DebugExit.h>
#include <kernel/pc/cpu/Io.h>

namespace Kernel {

void exit_emulator(EmulatorExitCode code)
{
    constexpr u16 isa_debug_exit_port = 0xF4;
    Cpu::out32(isa_debug_exit_port, static_cast<u32>(code));
}

} // namespace Kernel
