/*
 * base/Assertions.h: VERIFY(cond) and VERIFY_NOT_REACHED() for broken invariants.
 * A failed check calls Base::verification_failed(), which each port defines: the kernel
 * panics with a register dump, host programs print the failure and abort.
 * Expected failures (no memory, bad input) are ErrorOr errors, never VERIFYs.
 */
#pragma once

namespace Base {

// Defined by the port (kernel/pc, kernel/hosted/HostSupport.cpp); never returns.
[[noreturn]] void verification_failed(
    char const* expression, char const* file, unsigned line, char const* function);

} // namespace Base

// The conditional form keeps VERIFY usable inside constexpr functions: the failure branch
// is only an error when it is actually taken during constant evaluation.
#define VERIFY(expression)                                                                                   \
    (__builtin_expect(!(expression), 0)                                                                      \
            ? ::Base::verification_failed(#expression, __FILE__, __LINE__, __PRETTY_FUNCTION__)              \
            : (void)0)

#define VERIFY_NOT_REACHED()                                                                                 \
    ::Base::verification_failed("VERIFY_NOT_REACHED()", __FILE__, __LINE__, __PRETTY_FUNCTION__)
