/*
 * kernel/pc/runtime/MathTests.cpp: see MathTests.h. Every argument passes through opaque(),
 * so the compiler cannot fold a call at compile time (GCC evaluates constant math calls
 * with MPFR, which would test the compiler instead of the kernel).
 */
#include <base/Log.h>
#include <kernel/pc/runtime/Math.h>
#include <kernel/pc/runtime/MathInternal.h>
#include <kernel/pc/runtime/MathTests.h>

namespace Kernel::MathTests {

namespace {

    using Math::bits_of;

    enum class Function : u8 {
        Sine,
        Cosine,
        Tangent,
        Exponential,
        Logarithm,
        ArcTangent,
        Power,
        ArcTangent2,
        Remainder,
    };

    StringView name_of(Function function)
    {
        switch (function) {
        case Function::Sine:
            return "sin"sv;
        case Function::Cosine:
            return "cos"sv;
        case Function::Tangent:
            return "tan"sv;
        case Function::Exponential:
            return "exp"sv;
        case Function::Logarithm:
            return "log"sv;
        case Function::ArcTangent:
            return "atan"sv;
        case Function::Power:
            return "pow"sv;
        case Function::ArcTangent2:
            return "atan2"sv;
        case Function::Remainder:
            return "fmod"sv;
        }
        return "?"sv;
    }

    struct KnownValue {
        Function function;
        double x;
        double y; // the second argument (pow, atan2: x is y there, fmod)
        double expected;
    };

    // Correctly rounded results (mpmath at 200 bits; fmod is exact).
    constexpr KnownValue known_values[] = {
#include <kernel/pc/runtime/MathKnownValues.inc>
    };

    double opaque(double value)
    {
        asm volatile("" : "+x"(value));
        return value;
    }

    double evaluate(Function function, double x, double y)
    {
        x = opaque(x);
        y = opaque(y);
        switch (function) {
        case Function::Sine:
            return sin(x);
        case Function::Cosine:
            return cos(x);
        case Function::Tangent:
            return tan(x);
        case Function::Exponential:
            return exp(x);
        case Function::Logarithm:
            return log(x);
        case Function::ArcTangent:
            return atan(x);
        case Function::Power:
            return pow(x, y);
        case Function::ArcTangent2:
            return atan2(x, y);
        case Function::Remainder:
            return fmod(x, y);
        }
        return 0.0;
    }

    // Distance in representable doubles (the ordering of the bit patterns).
    u64 ulps_between(double a, double b)
    {
        auto ordered = [](double value) {
            i64 bits = static_cast<i64>(bits_of(value));
            return bits < 0 ? static_cast<i64>(0x8000'0000'0000'0000ull) - bits : bits;
        };
        i64 difference = ordered(a) - ordered(b);
        return static_cast<u64>(difference < 0 ? -difference : difference);
    }

    class Checker {
    public:
        void check(bool condition, StringView what)
        {
            if (condition)
                return;
            logln("test math: FAILED {}", what);
            m_failures++;
        }
        // Bit-exact, so the sign of zero and NaN count.
        void check_exact(double got, double expected, StringView what)
        {
            bool same = bits_of(got) == bits_of(expected) || (Math::is_nan(got) && Math::is_nan(expected));
            if (!same)
                logln("test math: {} gave {:#x}, expected {:#x}", what, bits_of(got), bits_of(expected));
            check(same, what);
        }
        usize failures() const { return m_failures; }

    private:
        usize m_failures {0};
    };

    void check_known_values(Checker& checker)
    {
        u64 worst = 0;
        for (auto const& known : known_values) {
            double got = evaluate(known.function, known.x, known.y);
            u64 distance = ulps_between(got, known.expected);
            if (distance > worst)
                worst = distance;
            bool exact_expected = known.function == Function::Remainder;
            if (distance > (exact_expected ? 0u : 1u)) {
                logln("test math: {}({:#x}, {:#x}) gave {:#x}, expected {:#x} ({} ulp)",
                    name_of(known.function), bits_of(known.x), bits_of(known.y), bits_of(got),
                    bits_of(known.expected), distance);
                checker.check(false, "a known value"sv);
            }
        }
        logln("test math: {} known values, worst {} ulp", sizeof(known_values) / sizeof(known_values[0]),
            worst);
    }

    void check_special_values(Checker& checker)
    {
        double const infinity = opaque(__builtin_inf());
        double const nan = opaque(__builtin_nan(""));
        double const zero = opaque(0.0);
        double const negative_zero = opaque(-0.0);
        checker.check_exact(sin(negative_zero), -0.0, "sin(-0) = -0"sv);
        checker.check(Math::is_nan(sin(infinity)), "sin(inf) is NaN"sv);
        checker.check(Math::is_nan(cos(-infinity)), "cos(-inf) is NaN"sv);
        checker.check(Math::is_nan(tan(nan)), "tan(NaN) is NaN"sv);
        checker.check_exact(cos(zero), 1.0, "cos(0) = 1"sv);
        checker.check_exact(exp(-infinity), 0.0, "exp(-inf) = 0"sv);
        checker.check_exact(exp(infinity), __builtin_inf(), "exp(inf) = inf"sv);
        checker.check_exact(exp(opaque(710.0)), __builtin_inf(), "exp(710) overflows"sv);
        checker.check_exact(exp(opaque(-746.0)), 0.0, "exp(-746) underflows"sv);
        checker.check_exact(log(zero), -__builtin_inf(), "log(0) = -inf"sv);
        checker.check(Math::is_nan(log(opaque(-1.0))), "log(-1) is NaN"sv);
        checker.check_exact(log(opaque(1.0)), 0.0, "log(1) = +0"sv);
        checker.check_exact(pow(nan, zero), 1.0, "pow(NaN, 0) = 1"sv);
        checker.check_exact(pow(opaque(1.0), nan), 1.0, "pow(1, NaN) = 1"sv);
        checker.check_exact(pow(negative_zero, opaque(-3.0)), -__builtin_inf(), "pow(-0, -3) = -inf"sv);
        checker.check_exact(pow(negative_zero, opaque(3.0)), -0.0, "pow(-0, 3) = -0"sv);
        checker.check_exact(pow(opaque(-2.0), opaque(3.0)), -8.0, "pow(-2, 3) = -8"sv);
        checker.check(Math::is_nan(pow(opaque(-2.0), opaque(0.5))), "pow(-2, 0.5) is NaN"sv);
        checker.check_exact(pow(opaque(-1.0), infinity), 1.0, "pow(-1, inf) = 1"sv);
        checker.check_exact(pow(opaque(0.5), -infinity), __builtin_inf(), "pow(0.5, -inf) = inf"sv);
        checker.check_exact(pow(-infinity, opaque(-3.0)), -0.0, "pow(-inf, -3) = -0"sv);
        checker.check_exact(pow(opaque(10.0), opaque(400.0)), __builtin_inf(), "pow(10, 400) overflows"sv);
        checker.check_exact(
            pow(opaque(1.0000000001), opaque(0x1p70)), __builtin_inf(), "pow(1+e, 2^70) = inf"sv);
        checker.check_exact(atan2(zero, opaque(-1.0)), 0x1.921fb54442d18p+1, "atan2(0, -1) = pi"sv);
        checker.check_exact(
            atan2(negative_zero, negative_zero), -0x1.921fb54442d18p+1, "atan2(-0, -0) = -pi"sv);
        checker.check_exact(atan2(infinity, -infinity), 0x1.2d97c7f3321d2p+1, "atan2(inf, -inf) = 3pi/4"sv);
        checker.check_exact(atan2(opaque(-1.0), zero), -0x1.921fb54442d18p+0, "atan2(-1, 0) = -pi/2"sv);
        checker.check(Math::is_nan(fmod(infinity, opaque(1.0))), "fmod(inf, 1) is NaN"sv);
        checker.check(Math::is_nan(fmod(opaque(1.0), zero)), "fmod(1, 0) is NaN"sv);
        checker.check_exact(fmod(opaque(-3.0), opaque(1.0)), -0.0, "fmod(-3, 1) = -0"sv);
        checker.check_exact(fmod(opaque(2.5), infinity), 2.5, "fmod(2.5, inf) = 2.5"sv);
        checker.check_exact(sqrt(opaque(2.0)), 0x1.6a09e667f3bcdp+0, "sqrt(2)"sv);
        checker.check(Math::is_nan(sqrt(opaque(-1.0))), "sqrt(-1) is NaN"sv);
        checker.check_exact(
            static_cast<double>(sqrtf(static_cast<float>(opaque(16.0)))), 4.0, "sqrtf(16) = 4"sv);
    }

    void check_rounding(Checker& checker)
    {
        struct Case {
            double value, floor, ceil, trunc, round;
        };
        constexpr Case cases[] = {
            {2.5, 2.0, 3.0, 2.0, 3.0},
            {-2.5, -3.0, -2.0, -2.0, -3.0},
            {-0.4, -1.0, -0.0, -0.0, -0.0},
            {0.49999999999999994, 0.0, 1.0, 0.0, 0.0},
            {4503599627370495.5, 4503599627370495.0, 4503599627370496.0, 4503599627370495.0,
                4503599627370496.0},
            {1e300, 1e300, 1e300, 1e300, 1e300},
            {-0.0, -0.0, -0.0, -0.0, -0.0},
            {5e-324, 0.0, 1.0, 0.0, 0.0},
        };
        for (auto const& test : cases) {
            double value = opaque(test.value);
            checker.check_exact(floor(value), test.floor, "floor"sv);
            checker.check_exact(ceil(value), test.ceil, "ceil"sv);
            checker.check_exact(trunc(value), test.trunc, "trunc"sv);
            checker.check_exact(round(value), test.round, "round"sv);
        }
        checker.check_exact(floor(opaque(-__builtin_inf())), -__builtin_inf(), "floor(-inf)"sv);
        checker.check(Math::is_nan(round(opaque(__builtin_nan("")))), "round(NaN) is NaN"sv);
    }

    // Identities over many arguments: sin^2 + cos^2 = 1, exp(log x) = x, tan = sin / cos.
    void check_identities(Checker& checker)
    {
        double worst_pythagoras = 0;
        double worst_exp_log = 0;
        u64 state = 0x9e37'79b9'7f4a'7c15ull;
        for (int i = 0; i < 2000; ++i) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            double x = opaque(static_cast<double>(state >> 11) * 0x1p-53 * 200.0 - 100.0);
            double s = sin(x);
            double c = cos(x);
            double error = Math::absolute(s * s + c * c - 1.0);
            worst_pythagoras = error > worst_pythagoras ? error : worst_pythagoras;
            double positive = Math::absolute(x) + 0.001;
            double relative = Math::absolute(exp(log(positive)) / positive - 1.0);
            worst_exp_log = relative > worst_exp_log ? relative : worst_exp_log;
        }
        checker.check(worst_pythagoras < 0x1p-50, "sin^2 + cos^2 = 1 within 2^-50"sv);
        // exp amplifies log's final rounding by |log x| < 5: a few ulps at most.
        checker.check(worst_exp_log < 0x1p-49, "exp(log x) = x within 2^-49"sv);
    }

    void check_integer_division(Checker& checker)
    {
        using i128 = __int128;
        using u128 = unsigned __int128;
        auto opaque_u128 = [](u128 value) {
            asm volatile("" : "+r"(value));
            return value;
        };
        u128 big = (static_cast<u128>(0x0123'4567'89ab'cdefull) << 64) | 0xfedc'ba98'7654'3210ull;
        u128 divisor = opaque_u128(1000000007);
        u128 quotient = big / divisor;
        u128 remainder = big % divisor;
        checker.check(quotient * divisor + remainder == big && remainder < divisor, "u128 / u64 divisor"sv);
        u128 wide_divisor = opaque_u128((static_cast<u128>(3) << 64) | 12345);
        quotient = big / wide_divisor;
        remainder = big % wide_divisor;
        checker.check(
            quotient * wide_divisor + remainder == big && remainder < wide_divisor, "u128 / u128"sv);
        checker.check(static_cast<u64>(quotient) == 0x6117228339449full, "u128 / u128 quotient value"sv);
        i128 negative = -static_cast<i128>(opaque_u128(100));
        i128 seven = static_cast<i128>(opaque_u128(7));
        checker.check(
            negative / seven == -14 && negative % seven == -2, "i128 division truncates toward zero"sv);
        checker.check(static_cast<i128>(opaque_u128(100)) / -seven == -14, "i128 by a negative divisor"sv);
    }

} // namespace

TestVerdict math()
{
    Checker checker;
    check_known_values(checker);
    check_special_values(checker);
    check_rounding(checker);
    check_identities(checker);
    check_integer_division(checker);
    if (checker.failures() != 0) {
        logln("test math: {} checks failed", checker.failures());
        return TestVerdict::Fail;
    }
    return TestVerdict::Pass;
}

} // namespace Kernel::MathTests
