/*
 * kernel/pc/runtime/MathTests.h: `test=math`: the kernel's libm (Math.h) against correctly
 * rounded values (computed offline with 200-bit arithmetic), within 1 ulp; the special
 * values of C99 Annex F exactly; the rounding functions and fmod exactly; and the 128-bit
 * integer division helpers (Integer128.cpp). Compiled with SSE (PHANTOM_KERNEL_SSE_SOURCES).
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::MathTests {

TestVerdict math();

} // namespace Kernel::MathTests
