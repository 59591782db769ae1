/*
 * vm/natives/FloatFormat.cpp: the one place doubles become text and text becomes doubles.
 *
 * Formatting is exact: a double is m * 2^e, whose decimal expansion is computed exactly with a
 * small big-number (at most ~1100 bits), and the shortest digit string that lies strictly
 * between the double's neighbours' midpoints is chosen, so the text always reads back as the
 * same double. Layout follows Python's repr: 0.1, 1.0, 1e+16, 1.5e-05, nan, inf.
 */
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    // A non-negative integer as little-endian 32-bit words.
    class BigNumber {
    public:
        explicit BigNumber(u64 value)
        {
            m_words[0] = static_cast<u32>(value);
            m_words[1] = static_cast<u32>(value >> 32);
            m_size = m_words[1] ? 2 : (m_words[0] ? 1 : 0);
        }
        bool is_zero() const { return m_size == 0; }
        void shift_left(u32 bits)
        {
            u32 words = bits / 32, rest = bits % 32;
            if (m_size == 0)
                return;
            VERIFY(m_size + words + 1 <= capacity);
            for (i32 i = static_cast<i32>(m_size) - 1; i >= 0; --i)
                m_words[i + words] = m_words[i];
            for (u32 i = 0; i < words; ++i)
                m_words[i] = 0;
            m_size += words;
            if (rest) {
                u32 carry = 0;
                for (u32 i = words; i < m_size; ++i) {
                    u32 next = m_words[i] >> (32 - rest);
                    m_words[i] = (m_words[i] << rest) | carry;
                    carry = next;
                }
                if (carry)
                    m_words[m_size++] = carry;
            }
        }
        void multiply_small(u32 factor)
        {
            u64 carry = 0;
            for (u32 i = 0; i < m_size; ++i) {
                u64 product = static_cast<u64>(m_words[i]) * factor + carry;
                m_words[i] = static_cast<u32>(product);
                carry = product >> 32;
            }
            if (carry) {
                VERIFY(m_size < capacity);
                m_words[m_size++] = static_cast<u32>(carry);
            }
        }
        // Divides in place and returns the remainder.
        u32 divide_small(u32 divisor)
        {
            u64 remainder = 0;
            for (i32 i = static_cast<i32>(m_size) - 1; i >= 0; --i) {
                u64 current = (remainder << 32) | m_words[i];
                m_words[i] = static_cast<u32>(current / divisor);
                remainder = current % divisor;
            }
            while (m_size > 0 && m_words[m_size - 1] == 0)
                --m_size;
            return static_cast<u32>(remainder);
        }
        // Takes the bits at and above `bits` away and returns them (they are small here).
        u32 take_high(u32 bits)
        {
            u32 word = bits / 32, rest = bits % 32;
            u64 high = 0;
            for (u32 i = word; i < m_size && i < word + 2; ++i) {
                u64 part = m_words[i];
                high |= (i == word ? part >> rest : part << (32 * (i - word) - rest));
            }
            for (u32 i = word + 1; i < m_size; ++i)
                m_words[i] = 0;
            if (word < m_size)
                m_words[word] &= rest ? ((1u << rest) - 1) : 0;
            if (m_size > word + 1)
                m_size = word + 1;
            while (m_size > 0 && m_words[m_size - 1] == 0)
                --m_size;
            return static_cast<u32>(high);
        }

    private:
        static constexpr u32 capacity = 40;
        u32 m_words[capacity] {};
        u32 m_size {0};
    };

    // value = 0.digits * 10^point, digits without leading zeros.
    struct Decimal {
        char digits[1200];
        u32 length {0};
        i32 point {0};
    };

    // The exact decimal expansion of mantissa * 2^exponent (mantissa < 2^56).
    void exact_decimal(u64 mantissa, i32 exponent, Decimal& out)
    {
        out.length = 0;
        out.point = 0;
        if (mantissa == 0)
            return;
        char integer_digits[400];
        u32 integer_length = 0;
        BigNumber fraction(0);
        u32 fraction_bits = 0;
        if (exponent >= 0) {
            BigNumber integer(mantissa);
            integer.shift_left(static_cast<u32>(exponent));
            while (!integer.is_zero()) {
                u32 chunk = integer.divide_small(1000000000);
                for (int i = 0; i < 9; ++i) {
                    integer_digits[integer_length++] = static_cast<char>('0' + chunk % 10);
                    chunk /= 10;
                }
            }
        } else {
            fraction_bits = static_cast<u32>(-exponent);
            u64 integer_part = fraction_bits >= 64 ? 0 : mantissa >> fraction_bits;
            while (integer_part) {
                integer_digits[integer_length++] = static_cast<char>('0' + integer_part % 10);
                integer_part /= 10;
            }
            fraction = BigNumber(
                fraction_bits >= 64 ? mantissa : mantissa & ((static_cast<u64>(1) << fraction_bits) - 1));
        }
        while (integer_length > 0 && integer_digits[integer_length - 1] == '0')
            --integer_length;
        for (u32 i = 0; i < integer_length; ++i)
            out.digits[out.length++] = integer_digits[integer_length - 1 - i];
        out.point = static_cast<i32>(integer_length);
        if (fraction_bits > 0) {
            bool leading = out.length == 0;
            while (!fraction.is_zero() && out.length < sizeof out.digits) {
                fraction.multiply_small(10);
                u32 digit = fraction.take_high(fraction_bits);
                if (leading && digit == 0) {
                    --out.point;
                    continue;
                }
                leading = false;
                out.digits[out.length++] = static_cast<char>('0' + digit);
            }
        }
        while (out.length > 0 && out.digits[out.length - 1] == '0')
            --out.length;
    }

    // Compares two positive decimals given as digit strings with points.
    int compare(char const* a, u32 a_length, i32 a_point, char const* b, u32 b_length, i32 b_point)
    {
        if (a_point != b_point)
            return a_point < b_point ? -1 : 1;
        u32 length = max(a_length, b_length);
        for (u32 i = 0; i < length; ++i) {
            char x = i < a_length ? a[i] : '0';
            char y = i < b_length ? b[i] : '0';
            if (x != y)
                return x < y ? -1 : 1;
        }
        return 0;
    }

    struct Parts {
        u64 mantissa;
        i32 exponent;
        bool lower_boundary_closer;
    };

    Parts decompose(double value)
    {
        u64 bits;
        __builtin_memcpy(&bits, &value, sizeof bits);
        u64 fraction = bits & ((static_cast<u64>(1) << 52) - 1);
        auto biased = static_cast<i32>((bits >> 52) & 0x7ff);
        if (biased == 0)
            return {fraction, -1074, false};
        return {fraction | (static_cast<u64>(1) << 52), biased - 1075, fraction == 0 && biased > 1};
    }

    // Shortest digits that read back as `value` (value > 0, finite).
    void shortest(double value, char* digits, u32& length, i32& point)
    {
        auto parts = decompose(value);
        static_assert(sizeof(Decimal) < 1300);
        Decimal exact, low, high;
        exact_decimal(parts.mantissa, parts.exponent, exact);
        if (parts.lower_boundary_closer)
            exact_decimal(4 * parts.mantissa - 1, parts.exponent - 2, low);
        else
            exact_decimal(2 * parts.mantissa - 1, parts.exponent - 1, low);
        exact_decimal(2 * parts.mantissa + 1, parts.exponent - 1, high);
        for (u32 count = 1; count <= 17; ++count) {
            char down[20], up[20];
            u32 down_length = min(count, exact.length);
            __builtin_memcpy(down, exact.digits, down_length);
            i32 down_point = exact.point;
            __builtin_memcpy(up, exact.digits, down_length);
            for (u32 i = down_length; i < count; ++i)
                up[i] = '0';
            u32 up_length = count;
            i32 up_point = exact.point;
            // up = down + one unit in the last place.
            i32 position = static_cast<i32>(count) - 1;
            while (position >= 0 && up[position] == '9')
                up[position--] = '0';
            if (position < 0) {
                up[0] = '1';
                up_length = 1;
                ++up_point;
            } else {
                ++up[position];
            }
            bool down_inside = compare(down, down_length, down_point, low.digits, low.length, low.point) > 0
                && compare(down, down_length, down_point, high.digits, high.length, high.point) < 0;
            bool up_inside = compare(up, up_length, up_point, low.digits, low.length, low.point) > 0
                && compare(up, up_length, up_point, high.digits, high.length, high.point) < 0;
            if (!down_inside && !up_inside)
                continue;
            bool take_up = up_inside;
            if (down_inside && up_inside)
                take_up = count < exact.length && exact.digits[count] >= '5';
            char const* chosen = take_up ? up : down;
            length = take_up ? up_length : down_length;
            point = take_up ? up_point : down_point;
            __builtin_memcpy(digits, chosen, length);
            while (length > 1 && digits[length - 1] == '0')
                --length;
            return;
        }
        // 17 significant digits always identify a double; this is the exact value cut there.
        length = min<u32>(17, exact.length);
        __builtin_memcpy(digits, exact.digits, length);
        point = exact.point;
    }

} // namespace

ErrorOr<void> format_double(StringBuilder& builder, double value)
{
    if (value != value)
        return builder.try_append("nan"sv);
    if (value < 0 || (value == 0 && __builtin_signbit(value))) {
        TRY(builder.try_append('-'));
        value = -value;
    }
    if (value == __builtin_inf())
        return builder.try_append("inf"sv);
    if (value == 0)
        return builder.try_append("0.0"sv);
    char digits[20];
    u32 length = 0;
    i32 point = 0;
    shortest(value, digits, length, point);
    i32 exponent = point - 1;
    if (exponent >= -4 && exponent < 16) {
        if (point <= 0) {
            TRY(builder.try_append("0."sv));
            for (i32 i = 0; i < -point; ++i)
                TRY(builder.try_append('0'));
            return builder.try_append(StringView(digits, length));
        }
        if (static_cast<u32>(point) >= length) {
            TRY(builder.try_append(StringView(digits, length)));
            for (u32 i = length; i < static_cast<u32>(point); ++i)
                TRY(builder.try_append('0'));
            return builder.try_append(".0"sv);
        }
        TRY(builder.try_append(StringView(digits, static_cast<usize>(point))));
        TRY(builder.try_append('.'));
        return builder.try_append(StringView(digits + point, length - static_cast<u32>(point)));
    }
    TRY(builder.try_append(digits[0]));
    if (length > 1) {
        TRY(builder.try_append('.'));
        TRY(builder.try_append(StringView(digits + 1, length - 1)));
    }
    TRY(builder.try_append(exponent < 0 ? "e-"sv : "e+"sv));
    i32 magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10)
        TRY(builder.try_append('0'));
    return builder.try_appendff("{}", magnitude);
}

ErrorOr<void> format_fixed(StringBuilder& builder, double value, u32 fraction_digits)
{
    if (value != value || value == __builtin_inf() || value == -__builtin_inf())
        return format_double(builder, value);
    fraction_digits = min<u32>(fraction_digits, 100);
    bool negative = value < 0;
    if (negative)
        value = -value;
    auto parts = decompose(value);
    Decimal exact;
    exact_decimal(parts.mantissa, parts.exponent, exact);
    // Digits of the integer and fraction parts, rounded half up at `fraction_digits`.
    char out[1400];
    i32 integer_digits = max(exact.point, 1);
    u32 total = static_cast<u32>(integer_digits) + fraction_digits;
    for (u32 i = 0; i < total; ++i) {
        i32 source = static_cast<i32>(i) - (integer_digits - exact.point);
        out[i] = (source >= 0 && static_cast<u32>(source) < exact.length) ? exact.digits[source] : '0';
    }
    i32 next = static_cast<i32>(total) - (integer_digits - exact.point);
    bool round_up = next >= 0 && static_cast<u32>(next) < exact.length && exact.digits[next] >= '5';
    bool carried = false;
    if (round_up) {
        i32 position = static_cast<i32>(total) - 1;
        while (position >= 0 && out[position] == '9')
            out[position--] = '0';
        if (position < 0)
            carried = true;
        else
            ++out[position];
    }
    bool all_zero = !carried;
    for (u32 i = 0; i < total && all_zero; ++i)
        all_zero = out[i] == '0';
    if (negative && !all_zero)
        TRY(builder.try_append('-'));
    if (carried)
        TRY(builder.try_append('1'));
    TRY(builder.try_append(StringView(out, static_cast<usize>(integer_digits))));
    if (fraction_digits > 0) {
        TRY(builder.try_append('.'));
        TRY(builder.try_append(StringView(out + integer_digits, fraction_digits)));
    }
    return {};
}

Optional<double> parse_double(StringView text)
{
    usize i = 0;
    bool negative = false;
    if (i < text.length() && (text[i] == '-' || text[i] == '+'))
        negative = text[i++] == '-';
    if (text.substring_view(i) == "inf"sv)
        return negative ? -__builtin_inf() : __builtin_inf();
    if (text.substring_view(i) == "nan"sv)
        return __builtin_nan("");
    u64 mantissa = 0;
    i32 exponent = 0;
    u32 significant = 0;
    bool any_digit = false;
    for (; i < text.length() && text[i] >= '0' && text[i] <= '9'; ++i) {
        any_digit = true;
        if (significant < 19) {
            mantissa = mantissa * 10 + static_cast<u64>(text[i] - '0');
            if (mantissa)
                ++significant;
        } else {
            ++exponent;
        }
    }
    if (i < text.length() && text[i] == '.') {
        for (++i; i < text.length() && text[i] >= '0' && text[i] <= '9'; ++i) {
            any_digit = true;
            if (significant < 19) {
                mantissa = mantissa * 10 + static_cast<u64>(text[i] - '0');
                if (mantissa)
                    ++significant;
                --exponent;
            }
        }
    }
    if (!any_digit)
        return {};
    if (i < text.length() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < text.length() && (text[i] == '-' || text[i] == '+'))
            exponent_negative = text[i++] == '-';
        i32 written = 0;
        bool exponent_digit = false;
        for (; i < text.length() && text[i] >= '0' && text[i] <= '9'; ++i) {
            exponent_digit = true;
            if (written < 100000)
                written = written * 10 + (text[i] - '0');
        }
        if (!exponent_digit)
            return {};
        exponent += exponent_negative ? -written : written;
    }
    if (i != text.length())
        return {};
    // Long double keeps the scaling error below the double's last bit for ordinary inputs.
    long double result = static_cast<long double>(mantissa);
    long double power = 10;
    u32 magnitude = static_cast<u32>(exponent < 0 ? -exponent : exponent);
    long double scale = 1;
    while (magnitude) {
        if (magnitude & 1)
            scale *= power;
        power *= power;
        magnitude >>= 1;
    }
    result = exponent < 0 ? result / scale : result * scale;
    double value = static_cast<double>(result);
    return negative ? -value : value;
}

} // namespace VM
