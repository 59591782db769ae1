/*
 * base/String.h: String, an immutable, reference-counted string, and StringBuilder, the
 * FormatSink that assembles one.
 *
 *     StringBuilder builder;
 *     TRY(builder.try_appendff("{} pages", count));
 *     String text = TRY(builder.to_string());
 *
 * Making a String allocates once and can fail (ErrorOr); copying one only bumps a counter
 * and cannot. The characters are NUL-terminated for the rare C-style consumer.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Format.h>
#include <base/Span.h>
#include <base/StringView.h>
#include <base/Traits.h>
#include <base/Types.h>
#include <base/Vector.h>

namespace Base {

class String {
public:
    // The empty string; it owns no memory.
    String() = default;

    [[nodiscard]] static ErrorOr<String> from_view(StringView text);

    template<typename... Ts>
    [[nodiscard]] static ErrorOr<String> formatted(CheckedFormatString<Ts...> format, Ts const&... arguments);

    String(String const& other)
        : m_storage(other.m_storage)
    {
        ref();
    }
    String(String&& other)
        : m_storage(exchange(other.m_storage, nullptr))
    { }
    String& operator=(String const& other)
    {
        if (m_storage != other.m_storage) {
            unref();
            m_storage = other.m_storage;
            ref();
        }
        return *this;
    }
    String& operator=(String&& other)
    {
        if (this != &other) {
            unref();
            m_storage = exchange(other.m_storage, nullptr);
        }
        return *this;
    }
    ~String() { unref(); }

    [[nodiscard]] usize length() const { return m_storage ? m_storage->length : 0; }
    [[nodiscard]] bool is_empty() const { return length() == 0; }
    // NUL-terminated; "" for the empty string.
    [[nodiscard]] char const* characters() const { return m_storage ? m_storage->characters() : ""; }
    [[nodiscard]] StringView view() const { return {characters(), length()}; }
    operator StringView() const { return view(); }
    [[nodiscard]] ReadonlyBytes bytes() const { return view().bytes(); }

    [[nodiscard]] ErrorOr<String> substring(usize start, usize length) const
    {
        return from_view(view().substring_view(start, length));
    }

    [[nodiscard]] bool starts_with(StringView prefix) const { return view().starts_with(prefix); }
    [[nodiscard]] bool ends_with(StringView suffix) const { return view().ends_with(suffix); }
    [[nodiscard]] bool contains(StringView needle) const { return view().contains(needle); }

    bool operator==(String const& other) const
    {
        return m_storage == other.m_storage || view() == other.view();
    }
    bool operator==(StringView other) const { return view() == other; }
    bool operator==(char const* other) const { return view() == StringView(other); }

    [[nodiscard]] u32 hash() const { return hash_string(view()); }

    // How many String objects share these characters (0 for the empty string); for tests.
    [[nodiscard]] u32 reference_count() const
    {
        return m_storage ? __atomic_load_n(&m_storage->reference_count, __ATOMIC_RELAXED) : 0;
    }

private:
    struct Storage {
        u32 reference_count;
        usize length;
        char* characters() { return reinterpret_cast<char*>(this + 1); }
    };

    void ref() const
    {
        if (m_storage)
            __atomic_add_fetch(&m_storage->reference_count, 1, __ATOMIC_RELAXED);
    }
    void unref();

    Storage* m_storage {nullptr};
};

// A growing character buffer. As a FormatSink it can be handed to format_to(); its own
// try_append*() calls report allocation failure, and a failed try_appendff() leaves the
// builder as it was before the call.
class StringBuilder final : public FormatSink {
public:
    StringBuilder() = default;

    [[nodiscard]] ErrorOr<void> try_append(StringView text)
    {
        return m_buffer.try_append(text.characters_without_null_termination(), text.length());
    }
    [[nodiscard]] ErrorOr<void> try_append(char character) { return m_buffer.try_append(character); }

    template<typename... Ts>
    [[nodiscard]] ErrorOr<void> try_appendff(CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        usize length_before = m_buffer.size();
        m_write_failed = false;
        Detail::format_to_sink(*this, format.view(), arguments...);
        if (m_write_failed) {
            m_write_failed = false;
            m_buffer.shrink(length_before);
            return Error(ErrorCode::OutOfMemory);
        }
        return {};
    }

    void append(StringView text) { MUST(try_append(text)); }
    void append(char character) { MUST(try_append(character)); }
    template<typename... Ts> void appendff(CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        MUST(try_appendff(format, arguments...));
    }

    // FormatSink: failures are remembered and reported by try_appendff().
    void write(StringView text) override
    {
        if (m_write_failed || try_append(text).is_error())
            m_write_failed = true;
    }

    [[nodiscard]] StringView string_view() const { return {m_buffer.data(), m_buffer.size()}; }
    [[nodiscard]] usize length() const { return m_buffer.size(); }
    [[nodiscard]] bool is_empty() const { return m_buffer.is_empty(); }
    void clear() { m_buffer.clear_with_capacity(); }

    [[nodiscard]] ErrorOr<String> to_string() const { return String::from_view(string_view()); }

private:
    // Most built strings are short: keep them off the heap until they are made a String.
    Vector<char, 128> m_buffer;
    bool m_write_failed {false};
};

template<typename... Ts>
ErrorOr<String> String::formatted(CheckedFormatString<Ts...> format, Ts const&... arguments)
{
    StringBuilder builder;
    TRY(builder.try_appendff(format, arguments...));
    return builder.to_string();
}

template<> struct Formatter<String> {
    void format(FormatBuilder& builder, String const& value) { builder.put_string(value.view()); }
};

// String keys can be looked up by StringView without making a String.
template<> struct Traits<String> {
    static u32 hash(StringView value) { return hash_string(value); }
    static bool equals(StringView a, StringView b) { return a == b; }
};

} // namespace Base

using Base::String;
using Base::StringBuilder;
