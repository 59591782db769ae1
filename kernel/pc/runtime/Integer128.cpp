/*
 * kernel/pc/runtime/Integer128.cpp: the 128-bit integer division helpers GCC calls for
 * `unsigned __int128` and `__int128` division and remainder (libgcc's __udivti3, __umodti3,
 * __divti3, __modti3 and the combined __udivmodti4, __divmodti4; the kernel links no libgcc). A divisor that
 * fits in 64 bits takes two hardware divisions; a wider one, shift-and-subtract over the at most 64 quotient
 * bits. Division by zero panics, like the hardware's divide error would.
 */
#include <base/Types.h>
#include <kernel/pc/Panic.h>

namespace {

using u128 = unsigned __int128;
using i128 = __int128;

u64 high_of(u128 value) { return static_cast<u64>(value >> 64); }

// (high:low) / divisor for high < divisor: the quotient fits in 64 bits.
u64 divide_64(u64 high, u64 low, u64 divisor, u64& remainder)
{
    u64 quotient;
    asm("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(low), "d"(high), "rm"(divisor));
    return quotient;
}

u128 divide_unsigned(u128 dividend, u128 divisor, u128& remainder)
{
    if (divisor == 0)
        Kernel::panic("128-bit division by zero"sv);
    if (dividend < divisor) {
        remainder = dividend;
        return 0;
    }
    if (high_of(divisor) == 0) {
        u64 narrow = static_cast<u64>(divisor);
        u64 upper_remainder = high_of(dividend) % narrow;
        u64 upper_quotient = high_of(dividend) / narrow;
        u64 lower_remainder;
        u64 lower_quotient = divide_64(upper_remainder, static_cast<u64>(dividend), narrow, lower_remainder);
        remainder = lower_remainder;
        return (static_cast<u128>(upper_quotient) << 64) | lower_quotient;
    }
    // Both are at least 2^64, so the quotient has at most 64 bits.
    int shift = __builtin_clzll(high_of(divisor)) - __builtin_clzll(high_of(dividend));
    u128 shifted = divisor << shift;
    u128 quotient = 0;
    for (int bit = shift; bit >= 0; --bit) {
        quotient <<= 1;
        if (dividend >= shifted) {
            dividend -= shifted;
            quotient |= 1;
        }
        shifted >>= 1;
    }
    remainder = dividend;
    return quotient;
}

u128 magnitude(i128 value) { return value < 0 ? -static_cast<u128>(value) : static_cast<u128>(value); }

} // namespace

extern "C" {

u128 __udivti3(u128 dividend, u128 divisor)
{
    u128 remainder;
    return divide_unsigned(dividend, divisor, remainder);
}

u128 __umodti3(u128 dividend, u128 divisor)
{
    u128 remainder;
    (void)divide_unsigned(dividend, divisor, remainder);
    return remainder;
}

// Truncates toward zero; the remainder has the dividend's sign.
i128 __divti3(i128 dividend, i128 divisor)
{
    u128 remainder;
    u128 quotient = divide_unsigned(magnitude(dividend), magnitude(divisor), remainder);
    return (dividend < 0) != (divisor < 0) ? -static_cast<i128>(quotient) : static_cast<i128>(quotient);
}

// Both at once (GCC calls these when a function wants the quotient and the remainder).
u128 __udivmodti4(u128 dividend, u128 divisor, u128* remainder)
{
    return divide_unsigned(dividend, divisor, *remainder);
}

i128 __divmodti4(i128 dividend, i128 divisor, i128* remainder)
{
    u128 magnitude_remainder;
    u128 quotient = divide_unsigned(magnitude(dividend), magnitude(divisor), magnitude_remainder);
    *remainder
        = dividend < 0 ? -static_cast<i128>(magnitude_remainder) : static_cast<i128>(magnitude_remainder);
    return (dividend < 0) != (divisor < 0) ? -static_cast<i128>(quotient) : static_cast<i128>(quotient);
}

i128 __modti3(i128 dividend, i128 divisor)
{
    u128 remainder;
    (void)divide_unsigned(magnitude(dividend), magnitude(divisor), remainder);
    return dividend < 0 ? -static_cast<i128>(remainder) : static_cast<i128>(remainder);
}

} // extern "C"
