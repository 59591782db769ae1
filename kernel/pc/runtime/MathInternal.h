/*
 * kernel/pc/runtime/MathInternal.h: what the two halves of the kernel's libm share: bit access
 * to doubles and double-double arithmetic (an unevaluated sum high + low carrying about 106
 * bits), built on the exact two-sum and the exact product by Veltkamp splitting (the baseline
 * x86-64 the kernel targets has no fused multiply-add).
 */
#pragma once

#include <base/Types.h>

namespace Kernel::Math {

inline u64 bits_of(double value) { return __builtin_bit_cast(u64, value); }
inline double from_bits(u64 bits) { return __builtin_bit_cast(double, bits); }

constexpr u64 sign_mask = 0x8000'0000'0000'0000ull;
constexpr u64 exponent_mask = 0x7ff0'0000'0000'0000ull;
constexpr u64 mantissa_mask = 0x000f'ffff'ffff'ffffull;
constexpr int exponent_bias = 1023;

inline bool is_nan(double value) { return (bits_of(value) & ~sign_mask) > exponent_mask; }
inline bool is_infinite(double value) { return (bits_of(value) & ~sign_mask) == exponent_mask; }
inline bool is_finite(double value) { return (bits_of(value) & exponent_mask) != exponent_mask; }
inline double absolute(double value) { return from_bits(bits_of(value) & ~sign_mask); }
inline double with_sign_of(double magnitude, double sign)
{
    return from_bits((bits_of(magnitude) & ~sign_mask) | (bits_of(sign) & sign_mask));
}
inline double quiet_nan() { return __builtin_nan(""); }
inline double infinity() { return __builtin_inf(); }

// 2^exponent for -1074 <= exponent <= 1023, exactly.
inline double power_of_two(int exponent)
{
    if (exponent >= -1022)
        return from_bits(static_cast<u64>(exponent + exponent_bias) << 52);
    return from_bits(1ull << (exponent + 1074));
}

// value * 2^exponent with one rounding at most (overflow gives infinity).
inline double scale(double value, int exponent)
{
    while (exponent > 1023) {
        value *= power_of_two(1023);
        exponent -= 1023;
    }
    if (exponent < -1022) {
        // Two steps would round twice; 2^exponent itself is exact down to 2^-1074.
        if (exponent >= -1074)
            return value * power_of_two(exponent);
        value *= power_of_two(-1022);
        exponent += 1022;
        if (exponent < -1074)
            return value * 0.0;
    }
    return value * power_of_two(exponent);
}

struct DoubleDouble {
    double high;
    double low;
};

// a + b exactly, for any a and b.
inline DoubleDouble two_sum(double a, double b)
{
    double sum = a + b;
    double b_part = sum - a;
    double error = (a - (sum - b_part)) + (b - b_part);
    return {sum, error};
}

// a + b exactly, when |a| >= |b| (or a is zero).
inline DoubleDouble fast_two_sum(double a, double b)
{
    double sum = a + b;
    return {sum, b - (sum - a)};
}

// Splits a (|a| < 2^995) into two halves of 26 bits whose products are exact.
inline void split(double a, double& high, double& low)
{
    constexpr double splitter = 134217729.0; // 2^27 + 1
    double scaled = splitter * a;
    high = scaled - (scaled - a);
    low = a - high;
}

// a * b exactly (no overflow or underflow assumed).
inline DoubleDouble two_product(double a, double b)
{
    double product = a * b;
    double a_high, a_low, b_high, b_low;
    split(a, a_high, a_low);
    split(b, b_high, b_low);
    double error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low;
    return {product, error};
}

inline DoubleDouble add(DoubleDouble a, DoubleDouble b)
{
    auto sum = two_sum(a.high, b.high);
    return fast_two_sum(sum.high, sum.low + a.low + b.low);
}

inline DoubleDouble multiply(DoubleDouble a, DoubleDouble b)
{
    auto product = two_product(a.high, b.high);
    return fast_two_sum(product.high, product.low + (a.high * b.low + a.low * b.high));
}

inline DoubleDouble multiply(DoubleDouble a, double b)
{
    auto product = two_product(a.high, b);
    return fast_two_sum(product.high, product.low + a.low * b);
}

inline DoubleDouble divide(DoubleDouble a, DoubleDouble b)
{
    double quotient = a.high / b.high;
    auto product = two_product(quotient, b.high);
    double remainder = (((a.high - product.high) - product.low) + a.low) - quotient * b.low;
    return fast_two_sum(quotient, remainder / b.high);
}

} // namespace Kernel::Math
