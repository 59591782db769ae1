/*
 * kernel/pc/runtime/Math.cpp: the kernel's libm (Math.h): rounding, fmod, sqrt, exp, log and
 * pow. exp, log and pow share two cores in double-double arithmetic (MathInternal.h): the
 * logarithm as about 100 bits, and the exponential of a double-double argument, so that pow
 * (x^y = e^(y ln x), where an error in y ln x is multiplied by up to 709) stays within 1 ulp.
 * The series are plain Taylor series (1/n!, 2/(2n+1)) on reduced arguments, with enough terms
 * that the truncation is far below an ulp.
 */
#include <kernel/pc/runtime/Math.h>
#include <kernel/pc/runtime/MathInternal.h>

using namespace Kernel::Math;

namespace {

// ln 2 = ln2_high + ln2_low; ln2_high has 42 significant bits, so k * ln2_high is exact for
// every exponent k a double can have.
constexpr double ln2_high = 0x1.62e42fefa38p-1;
constexpr double ln2_low = 0x1.ef35793c7673p-45;
constexpr double inverse_ln2 = 0x1.71547652b82fep+0;
constexpr DoubleDouble two_thirds {0x1.5555555555555p-1, 0x1.5555555555555p-55};
constexpr double square_root_of_two = 0x1.6a09e667f3bcdp+0;
// Adding and subtracting 1.5 * 2^52 rounds a double of magnitude below 2^51 to an integer.
constexpr double round_shifter = 0x1.8p52;

// e^(z.high + z.low) for -745.2 < z.high < 709.8: z = k ln 2 + r with |r| <= ln 2 / 2,
// e^r = 1 + r + r^2 (1/2! + r/3! + ... + r^11/13!) with the low part as e^r_low ~ 1 + r_low.
double exponential_core(DoubleDouble z)
{
    double k = (z.high * inverse_ln2 + round_shifter) - round_shifter;
    // Exact (k ln2_high is exact and close to z.high).
    double reduced_high = z.high - k * ln2_high;
    auto r = two_sum(reduced_high, z.low - k * ln2_low);
    double x = r.high;
    double series = 1.0 / 6227020800.0; // 1/13!
    constexpr double inverse_factorials[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
        1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5};
    for (double coefficient : inverse_factorials)
        series = series * x + coefficient;
    double expm1_high_order = x * x * series; // e^x - 1 - x
    // e^(x + r.low) = e^x (1 + r.low): 1 + x first, exactly, then the small parts.
    auto leading = fast_two_sum(1.0, x);
    double small = leading.low + expm1_high_order + r.low * (1.0 + x + expm1_high_order);
    double result = leading.high + small;
    return scale(result, static_cast<int>(k));
}

// ln(x) as a double-double, for finite x > 0: x = 2^k m with sqrt(1/2) <= m < sqrt(2),
// ln m = 2 atanh(s) = 2s + 2s^3/3 + 2s^5/5 + ... with s = (m - 1) / (m + 1), |s| < 0.1716.
// The first two terms are carried in double-double, the rest (below 2^-12 of the result)
// in double.
DoubleDouble logarithm_core(double x)
{
    int k = 0;
    u64 bits = bits_of(x);
    if ((bits & exponent_mask) == 0) {
        x *= 0x1p54;
        k -= 54;
        bits = bits_of(x);
    }
    k += static_cast<int>((bits >> 52) & 0x7ff) - exponent_bias;
    double m = from_bits((bits & mantissa_mask) | (static_cast<u64>(exponent_bias) << 52));
    if (m > square_root_of_two) {
        m *= 0.5;
        ++k;
    }
    double f = m - 1.0; // exact
    auto denominator = fast_two_sum(2.0, f);
    double s_high = f / denominator.high;
    auto product = two_product(s_high, denominator.high);
    double s_low = (((f - product.high) - product.low) - s_high * denominator.low) / denominator.high;
    DoubleDouble s {s_high, s_low};

    double s_squared = s_high * s_high;
    // 2/5 + 2/7 s^2 + ... + 2/27 s^22
    double rest = 2.0 / 27.0;
    for (int n = 12; n >= 2; --n)
        rest = rest * s_squared + 2.0 / static_cast<double>(2 * n + 1);
    auto s_cubed = multiply(multiply(s, s), s);
    auto series = add(DoubleDouble {2.0 * s.high, 2.0 * s.low}, multiply(s_cubed, two_thirds));
    series = add(series, DoubleDouble {s_cubed.high * s_squared * rest, 0.0});
    auto k_ln2 = fast_two_sum(k * ln2_high, k * ln2_low);
    return add(k_ln2, series);
}

bool is_integer(double value)
{
    if (absolute(value) >= 0x1p52)
        return true;
    return trunc(value) == value;
}

// Only for integers: odd integers are below 2^53.
bool is_odd_integer(double value)
{
    if (absolute(value) >= 0x1p53)
        return false;
    return (static_cast<i64>(value) & 1) != 0;
}

} // namespace

extern "C" {

double sqrt(double value)
{
    asm("sqrtsd %1, %0" : "=x"(value) : "x"(value));
    return value;
}

float sqrtf(float value)
{
    asm("sqrtss %1, %0" : "=x"(value) : "x"(value));
    return value;
}

double fabs(double value) { return absolute(value); }

double trunc(double value)
{
    u64 bits = bits_of(value);
    int exponent = static_cast<int>((bits >> 52) & 0x7ff) - exponent_bias;
    if (exponent >= 52)
        return value; // already an integer, or infinite, or NaN
    if (exponent < 0)
        return from_bits(bits & sign_mask);
    u64 fraction = mantissa_mask >> exponent;
    return from_bits(bits & ~fraction);
}

double floor(double value)
{
    double truncated = trunc(value);
    return (value < 0.0 && truncated != value) ? truncated - 1.0 : truncated;
}

double ceil(double value)
{
    double truncated = trunc(value);
    return (value > 0.0 && truncated != value) ? truncated + 1.0 : truncated;
}

// Halfway cases away from zero.
double round(double value)
{
    double truncated = trunc(value);
    double fraction = value - truncated; // exact
    if (absolute(fraction) >= 0.5)
        return truncated + with_sign_of(1.0, value);
    return truncated;
}

// Exact (the remainder of two doubles is a double): binary long division of the mantissas.
double fmod(double x, double y)
{
    if (is_nan(x) || is_nan(y) || is_infinite(x) || y == 0.0)
        return quiet_nan();
    if (is_infinite(y) || absolute(x) < absolute(y))
        return x;
    u64 x_bits = bits_of(x);
    u64 y_bits = bits_of(y);
    auto unpack = [](u64 bits, int& exponent) -> u64 {
        exponent = static_cast<int>((bits >> 52) & 0x7ff);
        u64 mantissa = bits & mantissa_mask;
        if (exponent == 0) {
            exponent = 1;
            while (mantissa < (1ull << 52)) {
                mantissa <<= 1;
                --exponent;
            }
            return mantissa;
        }
        return mantissa | (static_cast<u64>(1) << 52);
    };
    int x_exponent, y_exponent;
    u64 remainder = unpack(x_bits, x_exponent);
    u64 divisor = unpack(y_bits, y_exponent);
    for (; x_exponent > y_exponent; --x_exponent) {
        if (remainder >= divisor)
            remainder -= divisor;
        remainder <<= 1;
    }
    if (remainder >= divisor)
        remainder -= divisor;
    u64 sign = x_bits & sign_mask;
    if (remainder == 0)
        return from_bits(sign);
    while (remainder < (1ull << 52)) {
        remainder <<= 1;
        --y_exponent;
    }
    if (y_exponent >= 1)
        return from_bits(sign | (static_cast<u64>(y_exponent) << 52) | (remainder & mantissa_mask));
    return from_bits(sign | (remainder >> (1 - y_exponent)));
}

double exp(double x)
{
    if (is_nan(x))
        return x + x;
    if (x > 709.8)
        return infinity();
    if (x < -745.2)
        return 0.0;
    if (absolute(x) < 0x1p-54)
        return 1.0 + x;
    return exponential_core({x, 0.0});
}

double log(double x)
{
    if (is_nan(x))
        return x + x;
    if (x < 0.0)
        return quiet_nan();
    if (x == 0.0)
        return -infinity();
    if (is_infinite(x))
        return x;
    auto result = logarithm_core(x);
    return result.high + result.low;
}

double pow(double x, double y)
{
    if (y == 0.0 || x == 1.0)
        return 1.0;
    if (is_nan(x) || is_nan(y))
        return x + y;
    bool y_integer = is_integer(y);
    bool y_odd = y_integer && is_odd_integer(y);
    double ax = absolute(x);
    if (is_infinite(y)) {
        if (ax == 1.0)
            return 1.0;
        return (ax > 1.0) == (y > 0.0) ? infinity() : 0.0;
    }
    if (x == 0.0 || is_infinite(x)) {
        // 0^y and inf^y: the magnitude is 0 or inf, the sign is x's for odd integers y.
        bool large = (x == 0.0) == (y < 0.0);
        double magnitude = large ? infinity() : 0.0;
        return y_odd ? with_sign_of(magnitude, x) : magnitude;
    }
    double sign = 1.0;
    if (x < 0.0) {
        if (!y_integer)
            return quiet_nan();
        if (y_odd)
            sign = -1.0;
    }
    if (ax == 1.0)
        return sign;
    // |y ln x| >= 2^64 * 2^-53 overflows or underflows for every x != 1.
    if (absolute(y) >= 0x1p64)
        return (ax > 1.0) == (y > 0.0) ? infinity() : 0.0;
    auto logarithm = logarithm_core(ax);
    auto z = multiply(logarithm, y);
    if (z.high > 709.8)
        return sign * infinity();
    if (z.high < -745.2)
        return sign * 0.0;
    return sign * exponential_core(z);
}

} // extern "C"
