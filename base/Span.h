/*
 * base/Span.h: Span<T>, a non-owning (pointer, count) view of contiguous elements, and
 * the byte views Bytes (Span<u8>) and ReadonlyBytes (Span<u8 const>). Indexing is
 * bounds-checked with VERIFY.
 */
#pragma once

#include <base/Assertions.h>
#include <base/Types.h>
#include <type_traits>

namespace Base {

template<typename T> class Span {
public:
    constexpr Span() = default;
    constexpr Span(T* data, usize size)
        : m_data(data)
        , m_size(size)
    { }
    template<usize N>
    constexpr Span(T (&array)[N])
        : m_data(array)
        , m_size(N)
    { }
    // Span<T> converts to Span<T const>.
    template<typename U>
    requires(std::is_same_v<U const, T> && !std::is_same_v<U, T>) constexpr Span(Span<U> other)
        : m_data(other.data())
        , m_size(other.size())
    { }

    [[nodiscard]] constexpr T* data() const { return m_data; }
    [[nodiscard]] constexpr usize size() const { return m_size; }
    [[nodiscard]] constexpr bool is_empty() const { return m_size == 0; }
    [[nodiscard]] constexpr usize size_in_bytes() const { return m_size * sizeof(T); }

    constexpr T* begin() const { return m_data; }
    constexpr T* end() const { return m_data + m_size; }

    constexpr T& operator[](usize index) const
    {
        VERIFY(index < m_size);
        return m_data[index];
    }
    constexpr T& first() const { return (*this)[0]; }
    constexpr T& last() const { return (*this)[m_size - 1]; }

    [[nodiscard]] constexpr Span slice(usize start, usize count) const
    {
        VERIFY(start <= m_size && count <= m_size - start);
        return {m_data + start, count};
    }
    [[nodiscard]] constexpr Span slice(usize start) const
    {
        VERIFY(start <= m_size);
        return {m_data + start, m_size - start};
    }

    // Copies min(size(), destination.size()) elements; returns how many.
    usize copy_trimmed_to(Span<std::remove_const_t<T>> destination) const
    {
        usize count = m_size < destination.size() ? m_size : destination.size();
        for (usize i = 0; i < count; ++i)
            destination.data()[i] = m_data[i];
        return count;
    }

    // Element-wise equality.
    template<typename U> [[nodiscard]] bool equals(Span<U> other) const
    {
        if (m_size != other.size())
            return false;
        for (usize i = 0; i < m_size; ++i) {
            if (!(m_data[i] == other.data()[i]))
                return false;
        }
        return true;
    }

    // The same memory seen as bytes.
    [[nodiscard]] Span<std::conditional_t<std::is_const_v<T>, u8 const, u8>> as_bytes() const
    {
        using Byte = std::conditional_t<std::is_const_v<T>, u8 const, u8>;
        return {reinterpret_cast<Byte*>(m_data), size_in_bytes()};
    }

private:
    T* m_data {nullptr};
    usize m_size {0};
};

using Bytes = Span<u8>;
using ReadonlyBytes = Span<u8 const>;

} // namespace Base

using Base::Bytes;
using Base::ReadonlyBytes;
using Base::Span;
