/*
 * kernel/pc/runtime/MathTrigonometry.cpp: sin, cos, tan, atan and atan2 of the kernel's libm
 * (Math.h).
 *
 * sin, cos and tan reduce their argument to r = x - n pi/2 with |r| <= pi/4 as a
 * double-double. The reduction is exact in effect for every double, however huge: x = M 2^E
 * (M a 53-bit integer), and x 2/pi modulo 4 needs only the 192 bits of 2/pi from about
 * position E on (earlier bits give multiples of 8, later ones are far below the result's
 * precision), so one 53 x 192-bit integer product yields n and the fraction (Payne and
 * Hanek's method). On [-pi/4, pi/4] sin and cos are Taylor series; tan is their quotient in
 * double-double. atan reduces its argument with atan(x) = atan(c) + atan((x - c) / (1 + cx))
 * for c = 1/2, 1, 3/2 and atan(x) = pi/2 - atan(1/x), then sums the alternating series.
 */
#include <kernel/pc/runtime/Math.h>
#include <kernel/pc/runtime/MathInternal.h>

using namespace Kernel::Math;

namespace {

// The binary digits of 2/pi: bit 63 of word 0 is the first digit after the point. 1216 bits
// cover the reduction of the largest double (exponent 971 plus a 192-bit window).
constexpr u64 two_over_pi_bits[] = {
    0xa2f9836e4e441529,
    0xfc2757d1f534ddc0,
    0xdb6295993c439041,
    0xfe5163abdebbc561,
    0xb7246e3a424dd2e0,
    0x06492eea09d1921c,
    0xfe1deb1cb129a73e,
    0xe88235f52ebb4484,
    0xe99c7026b45f7e41,
    0x3991d639835339f4,
    0x9c845f8bbdf9283b,
    0x1ff897ffde05980f,
    0xef2f118b5a0a6d1f,
    0x6d367ecf27cb09b7,
    0x4f463f669e5fea2d,
    0x7527bac7ebe5f17b,
    0x3d0739f78a5292ea,
    0x6bfb5fb11f8d5d08,
    0x56033046fc7b6bab,
};
constexpr usize two_over_pi_words = sizeof(two_over_pi_bits) / sizeof(two_over_pi_bits[0]);

constexpr DoubleDouble half_pi {0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54};
constexpr DoubleDouble pi {0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53};
constexpr DoubleDouble quarter_pi {0x1.921fb54442d18p-1, 0x1.1a62633145c07p-55};
constexpr DoubleDouble three_quarters_pi {0x1.2d97c7f3321d2p+1, 0x1.a79394c9e8a0ap-54};
constexpr DoubleDouble atan_of_half {0x1.dac670561bb4fp-2, 0x1.a2b7f222f65e2p-56};
constexpr DoubleDouble atan_of_three_halves {0x1.f730bd281f69bp-1, 0x1.007887af0cbbdp-56};

using u128 = unsigned __int128;

// 64 digits of 2/pi starting at digit `position` (0: the first after the point).
u64 two_over_pi_word(usize position)
{
    usize word = position / 64;
    unsigned shift = position % 64;
    u64 first = word < two_over_pi_words ? two_over_pi_bits[word] : 0;
    if (shift == 0)
        return first;
    u64 second = word + 1 < two_over_pi_words ? two_over_pi_bits[word + 1] : 0;
    return (first << shift) | (second >> (64 - shift));
}

struct Reduction {
    unsigned quadrant; // n mod 4
    DoubleDouble remainder;
};

// x = n pi/2 + r, |r| <= pi/4 (x finite and positive).
Reduction reduce(double x)
{
    if (x <= quarter_pi.high)
        return {0, {x, 0.0}};
    u64 bits = bits_of(x);
    u64 mantissa = (bits & mantissa_mask) | (1ull << 52);
    int exponent = static_cast<int>((bits >> 52) & 0x7ff) - 1075; // x = mantissa * 2^exponent
    // Digits before `first` (1-based digit index first = position + 1) add multiples of 8.
    int first = exponent - 2 > 1 ? exponent - 2 : 1;
    usize position = static_cast<usize>(first - 1);
    u64 window[3]
        = {two_over_pi_word(position), two_over_pi_word(position + 64), two_over_pi_word(position + 128)};
    // product = mantissa * window: 245 bits in four words, least significant first.
    u64 product[4] {};
    u128 carry = 0;
    for (int i = 2; i >= 0; --i) {
        u128 partial = static_cast<u128>(mantissa) * window[i] + carry;
        product[2 - i] = static_cast<u64>(partial);
        carry = partial >> 64;
    }
    product[3] = static_cast<u64>(carry);
    // x 2/pi = product * 2^-shift (modulo 8).
    unsigned shift = static_cast<unsigned>(first + 191 - exponent);
    auto bits_at = [&](unsigned low_bit) { // 64 bits of product from bit low_bit (may be past the end)
        unsigned word = low_bit / 64;
        unsigned offset = low_bit % 64;
        u64 low = word < 4 ? product[word] : 0;
        u64 high = word + 1 < 4 ? product[word + 1] : 0;
        return offset == 0 ? low : (low >> offset) | (high << (64 - offset));
    };
    unsigned quadrant = static_cast<unsigned>(bits_at(shift) & 3);
    u128 fraction = (static_cast<u128>(bits_at(shift - 64)) << 64) | bits_at(shift - 128);
    bool negative = false;
    if (fraction >> 127) {
        // Past the middle: round n up, r is negative.
        ++quadrant;
        fraction = -fraction;
        negative = true;
    }
    quadrant &= 3;
    if (fraction == 0)
        return {quadrant, {0.0, 0.0}};
    u64 fraction_high = static_cast<u64>(fraction >> 64);
    int leading_zeros = fraction_high != 0 ? __builtin_clzll(fraction_high)
                                           : 64 + __builtin_clzll(static_cast<u64>(fraction));
    fraction <<= leading_zeros;
    // The top 53 bits and the next 64, each converted exactly or with one rounding far down.
    double top = static_cast<double>(static_cast<u64>(fraction >> 75));
    // Bits 11..74 of the normalized fraction (one rounding, far below the result's ulp).
    double following = static_cast<double>(static_cast<u64>(fraction >> 11));
    auto value = fast_two_sum(scale(top, -53 - leading_zeros), scale(following, -117 - leading_zeros));
    auto remainder = multiply(value, half_pi);
    if (negative)
        remainder = {-remainder.high, -remainder.low};
    return {quadrant, remainder};
}

// sin(r.high + r.low), |r| <= pi/4: r + r^3 (-1/3! + r^2/5! - ... - r^20/23!).
DoubleDouble sine_kernel(DoubleDouble r)
{
    double x = r.high;
    double z = x * x;
    double series = -1.0 / 25852016738884976640000.0; // -1/23!
    constexpr double odd_coefficients[] = {1.0 / 51090942171709440000.0, -1.0 / 121645100408832000.0,
        1.0 / 355687428096000.0, -1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0,
        1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0};
    for (double coefficient : odd_coefficients)
        series = series * z + coefficient;
    // sin(x + l) = sin x + l cos x, and cos x ~ 1 - z/2 is plenty for the tiny l.
    double tail = x * z * series + r.low * (1.0 - 0.5 * z);
    return fast_two_sum(x, tail);
}

// cos(r.high + r.low), |r| <= pi/4: 1 - r^2/2 + r^4 (1/4! - r^2/6! + ... - r^18/22!).
DoubleDouble cosine_kernel(DoubleDouble r)
{
    double x = r.high;
    double z = x * x;
    double series = -1.0 / 1124000727777607680000.0; // -1/22!
    constexpr double even_coefficients[] = {1.0 / 2432902008176640000.0, -1.0 / 6402373705728000.0,
        1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0, -1.0 / 3628800.0, 1.0 / 40320.0,
        -1.0 / 720.0, 1.0 / 24.0};
    for (double coefficient : even_coefficients)
        series = series * z + coefficient;
    auto square = two_product(x, x);
    DoubleDouble half_square {0.5 * square.high, 0.5 * square.low};
    auto leading = fast_two_sum(1.0, -half_square.high);
    // cos(x + l) = cos x - l sin x, sin x ~ x.
    double tail = leading.low - half_square.low + z * z * series - r.low * x;
    return fast_two_sum(leading.high, tail);
}

double finish(DoubleDouble value) { return value.high + value.low; }

// atan(x + x_low) for x >= 0 as a double-double.
DoubleDouble arctangent(double x, double x_low)
{
    if (x > 0x1p66)
        return half_pi;
    DoubleDouble base {0.0, 0.0};
    DoubleDouble t;
    double derivative_at_x = 1.0 / (1.0 + x * x);
    auto quotient = [](double numerator, DoubleDouble denominator) {
        return divide(DoubleDouble {numerator, 0.0}, denominator);
    };
    if (x < 7.0 / 16.0) {
        t = {x, 0.0};
    } else if (x < 11.0 / 16.0) {
        base = atan_of_half;
        t = quotient(x - 0.5, two_sum(1.0, 0.5 * x)); // x - 1/2 and x/2 are exact
    } else if (x < 19.0 / 16.0) {
        base = quarter_pi;
        t = quotient(x - 1.0, two_sum(1.0, x));
    } else if (x < 39.0 / 16.0) {
        base = atan_of_three_halves;
        auto one_and_a_half_x = two_sum(x, 0.5 * x);
        auto denominator = two_sum(1.0, one_and_a_half_x.high);
        denominator = fast_two_sum(denominator.high, denominator.low + one_and_a_half_x.low);
        t = quotient(x - 1.5, denominator);
    } else {
        base = half_pi;
        auto inverse = quotient(1.0, DoubleDouble {x, 0.0});
        t = {-inverse.high, -inverse.low};
    }
    // atan t = t + t^3 (-1/3 + t^2/5 - ...): |t| < 0.44, so the terms up to t^55 suffice.
    double z = t.high * t.high;
    double series = -1.0 / 55.0;
    for (int n = 26; n >= 1; --n) {
        double coefficient = 1.0 / static_cast<double>(2 * n + 1);
        series = series * z + ((n % 2 == 1) ? -coefficient : coefficient);
    }
    double small = t.high * z * series + t.low / (1.0 + z) + x_low * derivative_at_x;
    auto leading = two_sum(base.high, t.high);
    return fast_two_sum(leading.high, leading.low + base.low + small);
}

} // namespace

extern "C" {

double sin(double x)
{
    if (!is_finite(x))
        return x - x; // NaN for infinities, NaN stays NaN
    auto reduction = reduce(absolute(x));
    DoubleDouble value;
    switch (reduction.quadrant) {
    case 0:
        value = sine_kernel(reduction.remainder);
        break;
    case 1:
        value = cosine_kernel(reduction.remainder);
        break;
    case 2:
        value = sine_kernel(reduction.remainder);
        value = {-value.high, -value.low};
        break;
    default:
        value = cosine_kernel(reduction.remainder);
        value = {-value.high, -value.low};
        break;
    }
    double result = finish(value);
    return (bits_of(x) & sign_mask) ? -result : result;
}

double cos(double x)
{
    if (!is_finite(x))
        return x - x;
    auto reduction = reduce(absolute(x));
    DoubleDouble value;
    switch (reduction.quadrant) {
    case 0:
        value = cosine_kernel(reduction.remainder);
        break;
    case 1:
        value = sine_kernel(reduction.remainder);
        value = {-value.high, -value.low};
        break;
    case 2:
        value = cosine_kernel(reduction.remainder);
        value = {-value.high, -value.low};
        break;
    default:
        value = sine_kernel(reduction.remainder);
        break;
    }
    return finish(value);
}

double tan(double x)
{
    if (!is_finite(x))
        return x - x;
    auto reduction = reduce(absolute(x));
    auto sine = sine_kernel(reduction.remainder);
    auto cosine = cosine_kernel(reduction.remainder);
    // tan(r + pi/2) = -cos r / sin r.
    DoubleDouble value = (reduction.quadrant & 1) == 0 ? divide(sine, cosine) : divide(cosine, sine);
    double result = finish(value);
    if (reduction.quadrant & 1)
        result = -result;
    return (bits_of(x) & sign_mask) ? -result : result;
}

double atan(double x)
{
    if (is_nan(x))
        return x + x;
    double result = finish(arctangent(absolute(x), 0.0));
    return (bits_of(x) & sign_mask) ? -result : result;
}

double atan2(double y, double x)
{
    if (is_nan(x) || is_nan(y))
        return x + y;
    bool x_negative = (bits_of(x) & sign_mask) != 0;
    DoubleDouble angle; // of (|x|... ) in [0, pi], the sign of y applied at the end
    if (y == 0.0) {
        angle = x_negative ? pi : DoubleDouble {0.0, 0.0};
    } else if (is_infinite(x)) {
        if (is_infinite(y))
            angle = x_negative ? three_quarters_pi : quarter_pi;
        else
            angle = x_negative ? pi : DoubleDouble {0.0, 0.0};
    } else if (x == 0.0 || is_infinite(y)) {
        angle = half_pi;
    } else {
        double ay = absolute(y);
        double ax = absolute(x);
        double direct = ay / ax;
        // Keep the quotient's residual computation clear of overflow and underflow.
        if (ay > 0x1p900 || ax > 0x1p900) {
            ay *= 0x1p-600;
            ax *= 0x1p-600;
        } else if (ay < 0x1p-900 && ax < 0x1p-900) {
            ay *= 0x1p600;
            ax *= 0x1p600;
        }
        double quotient = ay / ax;
        double quotient_low = 0.0;
        if (is_finite(quotient) && quotient > 0x1p-960 && quotient < 0x1p960 && ax < 0x1p960
            && ay < 0x1p960) {
            auto product = two_product(quotient, ax);
            quotient_low = ((ay - product.high) - product.low) / ax;
        }
        if (direct < 0x1p-30)
            angle = {direct, 0.0}; // atan q = q (1 - q^2/3 + ...) rounds to q; no underflow twice
        else if (!is_finite(quotient))
            angle = half_pi;
        else
            angle = arctangent(quotient, quotient_low);
        if (x_negative) {
            auto difference = two_sum(pi.high, -angle.high);
            angle = fast_two_sum(difference.high, difference.low + (pi.low - angle.low));
        }
    }
    double result = finish(angle);
    return (bits_of(y) & sign_mask) ? -result : result;
}

} // extern "C"
