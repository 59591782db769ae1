/*
 * kernel/pc/cpu/Fpu.h: the x87/SSE state of threads, switched lazily. Kernel code is compiled
 * without SSE (-mgeneral-regs-only), except the sources that need floating point (the VM, the
 * FPU test), which kernel/pc/CMakeLists.txt lists in PHANTOM_KERNEL_SSE_SOURCES. One thread at
 * a time owns the FPU registers. A switch to any other thread sets CR0.TS, so that thread's
 * first floating-point instruction raises #NM; the handler saves the owner's state into the
 * owner's Thread, loads the new thread's (a clean state the first time) and makes it the owner.
 * So threads that never use floating point never execute an FPU instruction, and neither
 * does the kernel (KVM hosts that emulate instructions after exits choke on FXSAVE).
 * Interrupt handlers must never run SSE code.
 */
#pragma once

#include <base/Types.h>
#include <kernel/pc/cpu/InterruptFrame.h>

namespace Hal {
class Thread;
}

namespace Kernel::Fpu {

// Enables SSE (CR0.MP, not CR0.EM; CR4.OSFXSR and OSXMMEXCPT) with CR0.TS set: nobody owns
// the FPU yet. Executes no FPU instruction. Call once at boot.
void initialize();

// The scheduler is about to run `next` (interrupts off).
void switch_to(Hal::Thread* next);

// For the exception path: handles #NM (vector 7) by giving the FPU to the current thread.
// False for any other exception.
bool handle_device_not_available(InterruptFrame const&);

// `thread` has ended (interrupts off): its registers need no saving.
void forget(Hal::Thread* thread);

} // namespace Kernel::Fpu
