/*
 * base/Format.h: Phantom's type-safe formatter.
 *
 *     Base::format_to(sink, "page {} at {:#018x}", index, address);
 *
 * Placeholders are `{}` or `{:spec}` with spec = [[fill]align][+][#][0][width][.precision][type]
 * (align `<` `>` `^`; type x X b o d c s p), and `{{` `}}` for literal braces. The number of
 * placeholders and the spec syntax are checked against the arguments at compile time. Output
 * goes to a FormatSink; nothing here allocates, so the kernel's panic path can use it.
 * A type becomes formattable by specializing Formatter<T>; a type without one does not compile.
 */
#pragma once

#include <base/Error.h>
#include <base/StdLibExtras.h>
#include <base/StringView.h>
#include <base/Types.h>

namespace Base {

// Where formatted text goes. Implementations: FixedStringBuilder, StringBuilder, log sinks.
class FormatSink {
public:
    virtual void write(StringView text) = 0;

protected:
    ~FormatSink() = default;
};

enum class FormatAlign : u8 {
    Default, // right for numbers, left for text
    Left,
    Right,
    Center,
};

struct FormatSpec {
    char fill {' '};
    FormatAlign align {FormatAlign::Default};
    bool plus_sign {false};
    bool alternate_form {false}; // '#': 0x / 0b / 0o prefixes
    bool zero_pad {false};
    usize width {0};
    bool has_precision {false};
    usize precision {0}; // for text: the maximum number of characters shown
    char type {0};       // 0 when none was given
};

namespace Detail {

    enum class FormatParseResult : u8 {
        Ok,
        UnmatchedOpeningBrace,
        UnmatchedClosingBrace,
        BadSpecifier,
        PlaceholderCountMismatch,
    };

    // Parses the text between ':' and '}' of a placeholder. Shared by the compile-time check
    // and the runtime formatter so they can never disagree.
    constexpr FormatParseResult parse_format_spec(StringView text, FormatSpec& spec)
    {
        usize position = 0;
        auto is_align
            = [](char character) { return character == '<' || character == '>' || character == '^'; };
        auto to_align = [](char character) {
            return character == '<' ? FormatAlign::Left
                : character == '>'  ? FormatAlign::Right
                                    : FormatAlign::Center;
        };
        auto at = [&](usize index) -> char { return index < text.length() ? text[index] : '\0'; };
        if (text.length() >= 2 && is_align(at(1))) {
            spec.fill = at(0);
            spec.align = to_align(at(1));
            position = 2;
        } else if (is_align(at(0))) {
            spec.align = to_align(at(0));
            position = 1;
        }
        if (at(position) == '+') {
            spec.plus_sign = true;
            ++position;
        }
        if (at(position) == '#') {
            spec.alternate_form = true;
            ++position;
        }
        if (at(position) == '0') {
            spec.zero_pad = true;
            ++position;
        }
        while (at(position) >= '0' && at(position) <= '9') {
            spec.width = spec.width * 10 + static_cast<usize>(at(position) - '0');
            if (spec.width > 4096)
                return FormatParseResult::BadSpecifier;
            ++position;
        }
        if (at(position) == '.') {
            ++position;
            if (!(at(position) >= '0' && at(position) <= '9'))
                return FormatParseResult::BadSpecifier;
            spec.has_precision = true;
            while (at(position) >= '0' && at(position) <= '9') {
                spec.precision = spec.precision * 10 + static_cast<usize>(at(position) - '0');
                if (spec.precision > 4096)
                    return FormatParseResult::BadSpecifier;
                ++position;
            }
        }
        if (position < text.length()) {
            char type = text[position];
            switch (type) {
            case 'x':
            case 'X':
            case 'b':
            case 'o':
            case 'd':
            case 'c':
            case 's':
            case 'p':
                spec.type = type;
                ++position;
                break;
            default:
                return FormatParseResult::BadSpecifier;
            }
        }
        return position == text.length() ? FormatParseResult::Ok : FormatParseResult::BadSpecifier;
    }

    // Walks a whole format string: counts placeholders and validates braces and specs.
    constexpr FormatParseResult check_format_string(StringView text, usize argument_count)
    {
        usize placeholders = 0;
        for (usize i = 0; i < text.length(); ++i) {
            char character = text[i];
            if (character == '}') {
                if (i + 1 < text.length() && text[i + 1] == '}') {
                    ++i;
                    continue;
                }
                return FormatParseResult::UnmatchedClosingBrace;
            }
            if (character != '{')
                continue;
            if (i + 1 < text.length() && text[i + 1] == '{') {
                ++i;
                continue;
            }
            usize close = i + 1;
            while (close < text.length() && text[close] != '}' && text[close] != '{')
                ++close;
            if (close == text.length() || text[close] != '}')
                return FormatParseResult::UnmatchedOpeningBrace;
            StringView inside = text.substring_view(i + 1, close - i - 1);
            if (!inside.is_empty()) {
                if (inside[0] != ':')
                    return FormatParseResult::BadSpecifier;
                FormatSpec spec;
                auto result = parse_format_spec(inside.substring_view(1), spec);
                if (result != FormatParseResult::Ok)
                    return result;
            }
            ++placeholders;
            i = close;
        }
        return placeholders == argument_count ? FormatParseResult::Ok
                                              : FormatParseResult::PlaceholderCountMismatch;
    }

    // Deliberately not constexpr: calling one of these while checking a format string at
    // compile time stops the build, and the function's name is the error message.
    void format_string_has_an_unmatched_opening_brace();
    void format_string_has_an_unmatched_closing_brace();
    void format_string_has_a_bad_specifier();
    void format_string_placeholder_count_does_not_match_argument_count();

    template<typename... Parameters> class CheckedFormatString {
    public:
        template<usize N>
        consteval CheckedFormatString(char const (&text)[N])
            : m_text(text, N - 1)
        {
            switch (check_format_string(m_text, sizeof...(Parameters))) {
            case FormatParseResult::Ok:
                break;
            case FormatParseResult::UnmatchedOpeningBrace:
                format_string_has_an_unmatched_opening_brace();
                break;
            case FormatParseResult::UnmatchedClosingBrace:
                format_string_has_an_unmatched_closing_brace();
                break;
            case FormatParseResult::BadSpecifier:
                format_string_has_a_bad_specifier();
                break;
            case FormatParseResult::PlaceholderCountMismatch:
                format_string_placeholder_count_does_not_match_argument_count();
                break;
            }
        }

        constexpr StringView view() const { return m_text; }

    private:
        StringView m_text;
    };

} // namespace Detail

// The format string parameter type. The identity wrapper keeps the arguments' types from
// being deduced from the string, so `format_to(sink, "{}", 42)` deduces Ts from 42 alone.
template<typename... Ts> using CheckedFormatString = Detail::CheckedFormatString<std::type_identity_t<Ts>...>;

// True when `text` is a valid format string for `argument_count` arguments; lets tests
// prove at compile time what CheckedFormatString rejects.
constexpr bool is_valid_format_string(StringView text, usize argument_count)
{
    return Detail::check_format_string(text, argument_count) == Detail::FormatParseResult::Ok;
}

// Specialize to make a type formattable: `template<> struct Formatter<Point> {
// void format(FormatBuilder& builder, Point const& point) { builder.appendff("({}, {})", point.x, point.y); }
// };`
template<typename T> struct Formatter;

template<typename T>
concept Formattable = requires
{
    sizeof(Formatter<std::remove_cvref_t<T>>);
};

class FormatBuilder;

namespace Detail {

    struct TypeErasedParameter {
        void const* value;
        void (*format)(FormatBuilder&, void const*);
    };

    template<typename T> void format_type_erased(FormatBuilder& builder, void const* value)
    {
        Formatter<T> formatter;
        formatter.format(builder, *static_cast<T const*>(value));
    }

    void vformat(FormatSink&, StringView format, TypeErasedParameter const* parameters, usize count);

    template<typename... Ts> void format_to_sink(FormatSink& sink, StringView format, Ts const&... arguments)
    {
        static_assert((Formattable<Ts> && ...), "an argument has no Formatter<T> specialization");
        if constexpr (sizeof...(Ts) == 0) {
            vformat(sink, format, nullptr, 0);
        } else {
            TypeErasedParameter parameters[]
                = {{&arguments, &format_type_erased<std::remove_cvref_t<Ts>>}...};
            vformat(sink, format, parameters, sizeof...(Ts));
        }
    }

} // namespace Detail

// Handed to a Formatter: the sink plus the spec of the placeholder being filled.
// put_* honour the spec (width, fill, alignment, base); appendff() writes raw nested text.
class FormatBuilder {
public:
    FormatBuilder(FormatSink& sink, FormatSpec const& spec)
        : m_sink(sink)
        , m_spec(spec)
    { }

    FormatSpec const& spec() const { return m_spec; }
    FormatSink& sink() { return m_sink; }

    // Writes text as is, ignoring the spec.
    void put_literal(StringView text) { m_sink.write(text); }
    // Text with precision (truncation), width and alignment applied.
    void put_string(StringView text);
    void put_unsigned(u64 value, bool is_negative = false);
    void put_signed(i64 value);
    void put_character(char character);
    void put_pointer(FlatPtr address);

    template<typename... Ts> void appendff(CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        Detail::format_to_sink(m_sink, format.view(), arguments...);
    }

private:
    void put_padded(StringView prefix, StringView body, FormatAlign default_align, bool zero_pad_allowed);

    FormatSink& m_sink;
    FormatSpec m_spec;
};

template<typename... Ts>
void format_to(FormatSink& sink, CheckedFormatString<Ts...> format, Ts const&... arguments)
{
    Detail::format_to_sink(sink, format.view(), arguments...);
}

// A FormatSink into a fixed stack buffer of `capacity` characters, kept NUL-terminated.
// Text past the capacity is dropped (is_truncated() says so); it never allocates.
template<usize capacity> class FixedStringBuilder final : public FormatSink {
public:
    FixedStringBuilder() { m_buffer[0] = '\0'; }

    void write(StringView text) override
    {
        usize room = capacity - m_length;
        usize count = text.length() <= room ? text.length() : room;
        if (count < text.length())
            m_truncated = true;
        if (count > 0)
            __builtin_memcpy(m_buffer + m_length, text.characters_without_null_termination(), count);
        m_length += count;
        m_buffer[m_length] = '\0';
    }

    template<typename... Ts> void appendff(CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        Detail::format_to_sink(*this, format.view(), arguments...);
    }

    void clear()
    {
        m_length = 0;
        m_truncated = false;
        m_buffer[0] = '\0';
    }

    // Replaces the last characters with `marker` (e.g. "...") when text was dropped.
    void mark_truncation(StringView marker)
    {
        if (!m_truncated || marker.length() > capacity)
            return;
        m_length = capacity - marker.length();
        write(marker);
    }

    [[nodiscard]] StringView string_view() const { return {m_buffer, m_length}; }
    [[nodiscard]] char const* c_string() const { return m_buffer; }
    [[nodiscard]] usize length() const { return m_length; }
    [[nodiscard]] bool is_truncated() const { return m_truncated; }

private:
    char m_buffer[capacity + 1];
    usize m_length {0};
    bool m_truncated {false};
};

// Built-in formatters.

template<typename T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>) struct Formatter<T> {
    void format(FormatBuilder& builder, T value)
    {
        if (builder.spec().type == 'c')
            builder.put_character(static_cast<char>(value));
        else if constexpr (std::is_signed_v<T>)
            builder.put_signed(static_cast<i64>(value));
        else
            builder.put_unsigned(static_cast<u64>(value));
    }
};

template<typename T>
requires(std::is_enum_v<T>) struct Formatter<T> {
    void format(FormatBuilder& builder, T value)
    {
        Formatter<std::underlying_type_t<T>> formatter;
        formatter.format(builder, static_cast<std::underlying_type_t<T>>(value));
    }
};

template<> struct Formatter<char> {
    void format(FormatBuilder& builder, char value)
    {
        char type = builder.spec().type;
        if (type == 0 || type == 'c' || type == 's')
            builder.put_character(value);
        else
            builder.put_signed(value);
    }
};

template<> struct Formatter<bool> {
    void format(FormatBuilder& builder, bool value)
    {
        char type = builder.spec().type;
        if (type == 0 || type == 's')
            builder.put_string(value ? "true"sv : "false"sv);
        else
            builder.put_unsigned(value ? 1 : 0);
    }
};

template<> struct Formatter<StringView> {
    void format(FormatBuilder& builder, StringView value) { builder.put_string(value); }
};

template<> struct Formatter<char const*> {
    void format(FormatBuilder& builder, char const* value)
    {
        if (builder.spec().type == 'p')
            builder.put_pointer(reinterpret_cast<FlatPtr>(value));
        else
            builder.put_string(value ? StringView(value) : "(null)"sv);
    }
};

template<> struct Formatter<char*> : Formatter<char const*> { };

// String literals arrive as arrays; the terminating NUL is not printed.
template<usize N> struct Formatter<char[N]> {
    void format(FormatBuilder& builder, char const (&value)[N]) { builder.put_string(StringView(value)); }
};

template<typename T> struct Formatter<T*> {
    void format(FormatBuilder& builder, T* value) { builder.put_pointer(reinterpret_cast<FlatPtr>(value)); }
};

template<> struct Formatter<nullptr_t> {
    void format(FormatBuilder& builder, nullptr_t) { builder.put_pointer(0); }
};

// An error prints its message; use error.name() for the code's name.
template<> struct Formatter<Error> {
    void format(FormatBuilder& builder, Error const& error) { builder.put_string(error.message()); }
};

template<typename T> struct Formatter<Optional<T>> {
    void format(FormatBuilder& builder, Optional<T> const& value)
    {
        if (value.has_value())
            Formatter<std::remove_cvref_t<T>>().format(builder, value.value());
        else
            builder.put_string("(none)"sv);
    }
};

} // namespace Base

using Base::CheckedFormatString;
using Base::FixedStringBuilder;
using Base::FormatBuilder;
using Base::FormatSink;
using Base::Formatter;
