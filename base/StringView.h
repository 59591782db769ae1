/*
 * base/StringView.h: StringView, a non-owning (pointer, length) view of characters that
 * is not NUL-terminated, and the "text"sv literal. Views never allocate; they are only
 * valid while the characters they point to are.
 */
#pragma once

#include <base/Assertions.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/Types.h>
#include <limits>

namespace Base {

// Whether split_view() reports empty pieces between adjacent separators.
enum class KeepEmpty {
    No,
    Yes,
};

class StringView {
public:
    constexpr StringView() = default;
    constexpr StringView(char const* characters, usize length)
        : m_characters(characters)
        , m_length(length)
    { }
    // From a NUL-terminated C string; a null pointer is the empty view.
    constexpr StringView(char const* c_string)
        : m_characters(c_string)
        , m_length(c_string ? __builtin_strlen(c_string) : 0)
    { }

    [[nodiscard]] constexpr char const* characters_without_null_termination() const { return m_characters; }
    [[nodiscard]] constexpr usize length() const { return m_length; }
    [[nodiscard]] constexpr bool is_empty() const { return m_length == 0; }
    [[nodiscard]] constexpr bool is_null() const { return m_characters == nullptr; }

    [[nodiscard]] ReadonlyBytes bytes() const
    {
        return {reinterpret_cast<u8 const*>(m_characters), m_length};
    }

    constexpr char const* begin() const { return m_characters; }
    constexpr char const* end() const { return m_characters + m_length; }

    constexpr char operator[](usize index) const
    {
        VERIFY(index < m_length);
        return m_characters[index];
    }

    [[nodiscard]] constexpr StringView substring_view(usize start, usize length) const
    {
        VERIFY(start <= m_length && length <= m_length - start);
        return {m_characters + start, length};
    }
    [[nodiscard]] constexpr StringView substring_view(usize start) const
    {
        VERIFY(start <= m_length);
        return {m_characters + start, m_length - start};
    }

    constexpr bool operator==(StringView other) const
    {
        if (m_length != other.m_length)
            return false;
        for (usize i = 0; i < m_length; ++i) {
            if (m_characters[i] != other.m_characters[i])
                return false;
        }
        return true;
    }

    // Byte-wise lexicographic order, shorter first on a common prefix.
    [[nodiscard]] constexpr int compare(StringView other) const
    {
        usize common = m_length < other.m_length ? m_length : other.m_length;
        for (usize i = 0; i < common; ++i) {
            auto a = static_cast<unsigned char>(m_characters[i]);
            auto b = static_cast<unsigned char>(other.m_characters[i]);
            if (a != b)
                return a < b ? -1 : 1;
        }
        if (m_length == other.m_length)
            return 0;
        return m_length < other.m_length ? -1 : 1;
    }
    constexpr bool operator<(StringView other) const { return compare(other) < 0; }

    [[nodiscard]] constexpr bool starts_with(StringView prefix) const
    {
        return prefix.m_length <= m_length && substring_view(0, prefix.m_length) == prefix;
    }
    [[nodiscard]] constexpr bool starts_with(char character) const
    {
        return m_length > 0 && m_characters[0] == character;
    }
    [[nodiscard]] constexpr bool ends_with(StringView suffix) const
    {
        return suffix.m_length <= m_length && substring_view(m_length - suffix.m_length) == suffix;
    }
    [[nodiscard]] constexpr bool ends_with(char character) const
    {
        return m_length > 0 && m_characters[m_length - 1] == character;
    }

    [[nodiscard]] Optional<usize> find(char character, usize start = 0) const
    {
        for (usize i = start; i < m_length; ++i) {
            if (m_characters[i] == character)
                return i;
        }
        return {};
    }
    [[nodiscard]] Optional<usize> find(StringView needle, usize start = 0) const
    {
        if (needle.m_length > m_length)
            return {};
        for (usize i = start; i + needle.m_length <= m_length; ++i) {
            if (substring_view(i, needle.m_length) == needle)
                return i;
        }
        return {};
    }
    [[nodiscard]] Optional<usize> find_last(char character) const
    {
        for (usize i = m_length; i > 0; --i) {
            if (m_characters[i - 1] == character)
                return i - 1;
        }
        return {};
    }
    [[nodiscard]] bool contains(char character) const { return find(character).has_value(); }
    [[nodiscard]] bool contains(StringView needle) const { return find(needle).has_value(); }

    // The view without leading and trailing spaces, tabs, carriage returns and newlines.
    [[nodiscard]] constexpr StringView trim_whitespace() const
    {
        usize start = 0;
        usize end = m_length;
        while (start < end && is_whitespace(m_characters[start]))
            ++start;
        while (end > start && is_whitespace(m_characters[end - 1]))
            --end;
        return {m_characters + start, end - start};
    }

    // Parses the whole view as a decimal number (or 0x-prefixed hexadecimal); no sign,
    // no spaces. Empty, malformed or out-of-range text gives an empty Optional.
    template<typename T = unsigned> [[nodiscard]] Optional<T> to_uint() const
    {
        static_assert(std::is_integral_v<T> && std::is_unsigned_v<T>);
        u64 base = 10;
        StringView digits = *this;
        if (digits.length() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
            base = 16;
            digits = digits.substring_view(2);
        }
        if (digits.is_empty())
            return {};
        u64 value = 0;
        u64 const limit = std::numeric_limits<T>::max();
        for (char character : digits) {
            u64 digit;
            if (character >= '0' && character <= '9')
                digit = character - '0';
            else if (base == 16 && character >= 'a' && character <= 'f')
                digit = character - 'a' + 10;
            else if (base == 16 && character >= 'A' && character <= 'F')
                digit = character - 'A' + 10;
            else
                return {};
            if (value > (limit - digit) / base)
                return {};
            value = value * base + digit;
        }
        return static_cast<T>(value);
    }

    // Like to_uint(), with an optional leading '-' or '+'.
    template<typename T = int> [[nodiscard]] Optional<T> to_int() const
    {
        static_assert(std::is_integral_v<T> && std::is_signed_v<T>);
        bool negative = starts_with('-');
        StringView digits = (negative || starts_with('+')) ? substring_view(1) : *this;
        auto magnitude = digits.to_uint<u64>();
        if (!magnitude.has_value())
            return {};
        u64 const max_positive = static_cast<u64>(std::numeric_limits<T>::max());
        if (negative) {
            if (magnitude.value() > max_positive + 1)
                return {};
            return static_cast<T>(0 - magnitude.value());
        }
        if (magnitude.value() > max_positive)
            return {};
        return static_cast<T>(magnitude.value());
    }

    // Iterates the pieces between separators: `for (auto part : path.split_view('/'))`.
    class SplitRange;
    [[nodiscard]] constexpr SplitRange split_view(char separator, KeepEmpty = KeepEmpty::No) const;

private:
    static constexpr bool is_whitespace(char character)
    {
        return character == ' ' || character == '\t' || character == '\n' || character == '\r';
    }

    char const* m_characters {nullptr};
    usize m_length {0};
};

class StringView::SplitRange {
public:
    class Iterator {
    public:
        constexpr Iterator(StringView remaining, char separator, KeepEmpty keep_empty, bool done)
            : m_remaining(remaining)
            , m_separator(separator)
            , m_keep_empty(keep_empty)
            , m_done(done)
        {
            advance();
        }
        constexpr StringView operator*() const { return m_current; }
        constexpr Iterator& operator++()
        {
            advance();
            return *this;
        }
        constexpr bool operator==(Iterator const& other) const { return m_done && other.m_done; }

    private:
        constexpr void advance()
        {
            while (!m_finished_input) {
                usize end = 0;
                while (end < m_remaining.length() && m_remaining[end] != m_separator)
                    ++end;
                m_current = m_remaining.substring_view(0, end);
                if (end == m_remaining.length())
                    m_finished_input = true;
                else
                    m_remaining = m_remaining.substring_view(end + 1);
                if (!m_current.is_empty() || m_keep_empty == KeepEmpty::Yes)
                    return;
            }
            m_done = true;
        }

        StringView m_remaining;
        StringView m_current;
        char m_separator;
        KeepEmpty m_keep_empty;
        bool m_done;
        bool m_finished_input {false};
    };

    constexpr SplitRange(StringView text, char separator, KeepEmpty keep_empty)
        : m_text(text)
        , m_separator(separator)
        , m_keep_empty(keep_empty)
    { }
    constexpr Iterator begin() const { return {m_text, m_separator, m_keep_empty, false}; }
    constexpr Iterator end() const { return {{}, m_separator, m_keep_empty, true}; }

private:
    StringView m_text;
    char m_separator;
    KeepEmpty m_keep_empty;
};

constexpr StringView::SplitRange StringView::split_view(char separator, KeepEmpty keep_empty) const
{
    return {*this, separator, keep_empty};
}

} // namespace Base

// Suffixes without a leading underscore are reserved for the standard library, which is
// not part of the freestanding build; Phantom spells views "like this"sv everywhere.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wliteral-suffix"
[[nodiscard]] constexpr Base::StringView operator""sv(char const* characters, Base::usize length)
{
    return {characters, length};
}
#pragma GCC diagnostic pop

using Base::KeepEmpty;
using Base::StringView;
