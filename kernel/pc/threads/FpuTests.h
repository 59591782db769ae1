/*
 * kernel/pc/threads/FpuTests.h: `test=fpu`. Floating-point work on several preempted threads
 * must give bit-exactly the results it gives alone: proof that switch_context keeps each
 * thread's x87/SSE state (cpu/Fpu.h). Compiled with SSE (PHANTOM_KERNEL_SSE_SOURCES).
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::FpuTests {

TestVerdict fpu();

} // namespace Kernel::FpuTests
