/*
 * kernel/pc/Tests.h: the in-kernel tests selected with `test=NAME` on the command line.
 * The verdict leaves through isa-debug-exit (DebugExit.h); the exception tests end in a
 * panic report instead (exit status 37), which is what tests/system checks.
 *
 *     ready               pass as soon as the kernel is ready
 *     base                Base::run_self_test(): base/ works unchanged inside the kernel
 *     heap                the kernel heap: split, coalesce, alignment, exhaustion
 *     runtime             global constructors ran; memmove/memcmp/strlen; new/delete forms
 *     page_fault          write to an unmapped address in Kernel::Tests::deliberate_page_fault()
 *     divide_error        divide by zero
 *     breakpoint          int3
 *     general_protection  load from a non-canonical address
 *     stack_overflow      unbounded recursion into the stack guard page: a double fault
 *                         handled on its own interrupt stack
 *     null_call           a call through a null function pointer (page 0 is unmapped)
 *     verify_failure      a failed VERIFY(): the panic names the expression, file and line
 */
#pragma once

#include <base/StringView.h>

namespace Kernel {

enum class TestVerdict {
    Pass,
    Fail,
};

// Runs the named test; an unknown name logs the list of tests and fails.
TestVerdict run_test(StringView name);

namespace Tests {

    TestVerdict deliberate_page_fault();
    TestVerdict deliberate_divide_error();
    TestVerdict deliberate_breakpoint();
    TestVerdict deliberate_general_protection();
    TestVerdict deliberate_stack_overflow();
    TestVerdict deliberate_null_call();
    TestVerdict deliberate_verify_failure();

} // namespace Tests

} // namespace Kernel
