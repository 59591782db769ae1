/*
 * base/Vector.h: Vector<T, inline_capacity>, a growable array.
 *
 * Growth is explicit and fallible: try_append()/try_ensure_capacity() return
 * ErrorCode::OutOfMemory instead of assuming memory; append() is the MUST() shorthand for
 * code that has already decided running out is fatal. With inline_capacity > 0 the first
 * elements live inside the Vector itself, so short vectors never touch the heap.
 * Indexing is bounds-checked with VERIFY.
 */
#pragma once

#include <base/Assertions.h>
#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/StdLibExtras.h>
#include <base/Types.h>
#include <initializer_list>
#include <new>

namespace Base {

namespace Detail {

    template<typename T, usize capacity> struct VectorInlineStorage {
        T* data() { return reinterpret_cast<T*>(m_bytes); }
        T const* data() const { return reinterpret_cast<T const*>(m_bytes); }
        alignas(T) unsigned char m_bytes[capacity * sizeof(T)];
    };

    template<typename T> struct VectorInlineStorage<T, 0> {
        T* data() { return nullptr; }
        T const* data() const { return nullptr; }
    };

} // namespace Detail

template<typename T, usize inline_capacity = 0> class Vector {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__,
        "base/ allocates with the plain nothrow operator new, which does not over-align");

public:
    using ValueType = T;

    Vector() = default;

    // Allocates; aborts through MUST() if memory is exhausted (tests and set-up code).
    Vector(std::initializer_list<T> list)
    {
        MUST(try_ensure_capacity(list.size()));
        for (auto const& value : list)
            new (slot(m_size++)) T(value);
    }

    Vector(Vector&& other) { take_storage_from(other); }

    // Copying allocates and cannot report failure; prefer try_clone() where memory may run out.
    Vector(Vector const& other) requires(std::is_copy_constructible_v<T>) { MUST(try_extend(other)); }

    ~Vector() { clear(); }

    Vector& operator=(Vector&& other)
    {
        if (this != &other) {
            clear();
            take_storage_from(other);
        }
        return *this;
    }

    Vector& operator=(Vector const& other) requires(std::is_copy_constructible_v<T>)
    {
        if (this != &other) {
            clear();
            MUST(try_extend(other));
        }
        return *this;
    }

    [[nodiscard]] ErrorOr<Vector> try_clone() const
    {
        Vector copy;
        TRY(copy.try_extend(*this));
        return copy;
    }

    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] usize capacity() const { return m_capacity; }
    [[nodiscard]] bool is_empty() const { return m_size == 0; }
    // True while the elements live in the inline buffer (no heap allocation).
    [[nodiscard]] bool is_inline() const { return m_outline == nullptr; }

    T* data() { return m_outline ? m_outline : m_inline.data(); }
    T const* data() const { return m_outline ? m_outline : m_inline.data(); }

    T* begin() { return data(); }
    T* end() { return data() + m_size; }
    T const* begin() const { return data(); }
    T const* end() const { return data() + m_size; }

    Span<T> span() { return {data(), m_size}; }
    Span<T const> span() const { return {data(), m_size}; }
    operator Span<T>() { return span(); }
    operator Span<T const>() const { return span(); }

    T& at(usize index)
    {
        VERIFY(index < m_size);
        return data()[index];
    }
    T const& at(usize index) const
    {
        VERIFY(index < m_size);
        return data()[index];
    }
    T& operator[](usize index) { return at(index); }
    T const& operator[](usize index) const { return at(index); }

    T& first() { return at(0); }
    T const& first() const { return at(0); }
    T& last() { return at(m_size - 1); }
    T const& last() const { return at(m_size - 1); }

    [[nodiscard]] ErrorOr<void> try_ensure_capacity(usize needed)
    {
        if (needed <= m_capacity)
            return {};
        return reallocate(needed);
    }

    // Appends, growing geometrically so that n appends cost O(n) in total.
    [[nodiscard]] ErrorOr<void> try_append(T&& value)
    {
        if (m_size == m_capacity) {
            // The value may live inside this vector; move it out before the buffer moves.
            T moved(move(value));
            TRY(grow_for_one_more());
            new (slot(m_size)) T(move(moved));
        } else {
            new (slot(m_size)) T(move(value));
        }
        ++m_size;
        return {};
    }

    [[nodiscard]] ErrorOr<void> try_append(T const& value) requires(std::is_copy_constructible_v<T>)
    {
        if (m_size == m_capacity) {
            T copy(value);
            TRY(grow_for_one_more());
            new (slot(m_size)) T(move(copy));
        } else {
            new (slot(m_size)) T(value);
        }
        ++m_size;
        return {};
    }

    // Constructs the new last element in place from `arguments`.
    template<typename... Args> [[nodiscard]] ErrorOr<void> try_empend(Args&&... arguments)
    {
        if (m_size == m_capacity)
            TRY(grow_for_one_more());
        new (slot(m_size)) T(forward<Args>(arguments)...);
        ++m_size;
        return {};
    }

    [[nodiscard]] ErrorOr<void> try_append(T const* values, usize count) requires(
        std::is_copy_constructible_v<T>)
    {
        // Appending a vector to itself: the source moves with the buffer.
        bool from_self = count > 0 && values >= data() && values < data() + m_size;
        usize self_offset = from_self ? static_cast<usize>(values - data()) : 0;
        TRY(try_ensure_capacity_for_more(count));
        if (from_self)
            values = data() + self_offset;
        for (usize i = 0; i < count; ++i)
            new (slot(m_size + i)) T(values[i]);
        m_size += count;
        return {};
    }

    template<usize other_inline_capacity>
    [[nodiscard]] ErrorOr<void> try_extend(Vector<T, other_inline_capacity> const& other) requires(
        std::is_copy_constructible_v<T>)
    {
        return try_append(other.data(), other.size());
    }

    // Inserts before `index` (index == size() appends), shifting later elements up.
    [[nodiscard]] ErrorOr<void> try_insert(usize index, T&& value)
    {
        VERIFY(index <= m_size);
        if (index == m_size)
            return try_append(move(value));
        T moved(move(value));
        if (m_size == m_capacity)
            TRY(grow_for_one_more());
        T* elements = data();
        new (&elements[m_size]) T(move(elements[m_size - 1]));
        for (usize i = m_size - 1; i > index; --i)
            elements[i] = move(elements[i - 1]);
        elements[index] = move(moved);
        ++m_size;
        return {};
    }
    [[nodiscard]] ErrorOr<void> try_prepend(T&& value) { return try_insert(0, move(value)); }

    void append(T&& value) { MUST(try_append(move(value))); }
    void append(T const& value) requires(std::is_copy_constructible_v<T>) { MUST(try_append(value)); }
    template<typename... Args> void empend(Args&&... arguments)
    {
        MUST(try_empend(forward<Args>(arguments)...));
    }
    void insert(usize index, T&& value) { MUST(try_insert(index, move(value))); }
    void prepend(T&& value) { MUST(try_insert(0, move(value))); }

    // Removes the element at `index`, keeping the order of the rest.
    void remove(usize index, usize count = 1)
    {
        VERIFY(index <= m_size && count <= m_size - index);
        if (count == 0)
            return;
        T* elements = data();
        for (usize i = index; i + count < m_size; ++i)
            elements[i] = move(elements[i + count]);
        for (usize i = m_size - count; i < m_size; ++i)
            elements[i].~T();
        m_size -= count;
    }

    // Removes every element for which `predicate(element)` is true; returns how many.
    template<typename Predicate> usize remove_all_matching(Predicate predicate)
    {
        T* elements = data();
        usize kept = 0;
        for (usize i = 0; i < m_size; ++i) {
            if (predicate(elements[i]))
                continue;
            if (kept != i)
                elements[kept] = move(elements[i]);
            ++kept;
        }
        usize removed = m_size - kept;
        for (usize i = kept; i < m_size; ++i)
            elements[i].~T();
        m_size = kept;
        return removed;
    }

    [[nodiscard]] T take_last()
    {
        VERIFY(m_size > 0);
        T value = move(last());
        last().~T();
        --m_size;
        return value;
    }
    [[nodiscard]] T take_first() { return take(0); }
    [[nodiscard]] T take(usize index)
    {
        T value = move(at(index));
        remove(index);
        return value;
    }

    // Destroys the elements but keeps the buffer for reuse.
    void clear_with_capacity()
    {
        T* elements = data();
        for (usize i = 0; i < m_size; ++i)
            elements[i].~T();
        m_size = 0;
    }

    // Destroys the elements and releases the heap buffer.
    void clear()
    {
        clear_with_capacity();
        if (m_outline) {
            ::operator delete(m_outline);
            m_outline = nullptr;
        }
        m_capacity = inline_capacity;
    }

    // Grows with default-constructed elements or shrinks by destroying the tail.
    [[nodiscard]] ErrorOr<void> try_resize(usize new_size) requires(std::is_default_constructible_v<T>)
    {
        if (new_size <= m_size) {
            shrink(new_size);
            return {};
        }
        TRY(try_ensure_capacity(new_size));
        for (usize i = m_size; i < new_size; ++i)
            new (slot(i)) T();
        m_size = new_size;
        return {};
    }
    void resize(usize new_size) { MUST(try_resize(new_size)); }

    void shrink(usize new_size)
    {
        VERIFY(new_size <= m_size);
        T* elements = data();
        for (usize i = new_size; i < m_size; ++i)
            elements[i].~T();
        m_size = new_size;
    }

    [[nodiscard]] Optional<usize> find_first_index(T const& value) const
    {
        for (usize i = 0; i < m_size; ++i) {
            if (data()[i] == value)
                return i;
        }
        return {};
    }
    [[nodiscard]] bool contains_slow(T const& value) const { return find_first_index(value).has_value(); }

    template<usize other_inline_capacity> bool operator==(Vector<T, other_inline_capacity> const& other) const
    {
        if (m_size != other.size())
            return false;
        for (usize i = 0; i < m_size; ++i) {
            if (!(data()[i] == other.data()[i]))
                return false;
        }
        return true;
    }

private:
    void* slot(usize index) { return data() + index; }

    [[nodiscard]] ErrorOr<void> try_ensure_capacity_for_more(usize count)
    {
        if (count > static_cast<usize>(-1) / sizeof(T) - m_size)
            return Error(ErrorCode::Overflow);
        if (m_size + count <= m_capacity)
            return {};
        usize doubled = m_capacity * 2;
        return reallocate(max(m_size + count, doubled));
    }

    [[nodiscard]] ErrorOr<void> grow_for_one_more()
    {
        usize target = m_capacity < 4 ? 4 : m_capacity + m_capacity / 2 + 1;
        return reallocate(max(target, m_size + 1));
    }

    [[nodiscard]] ErrorOr<void> reallocate(usize new_capacity)
    {
        if (new_capacity > static_cast<usize>(-1) / sizeof(T))
            return Error(ErrorCode::Overflow);
        auto* new_elements = static_cast<T*>(::operator new(new_capacity * sizeof(T), std::nothrow));
        if (!new_elements)
            return Error(ErrorCode::OutOfMemory);
        T* old_elements = data();
        for (usize i = 0; i < m_size; ++i) {
            new (&new_elements[i]) T(move(old_elements[i]));
            old_elements[i].~T();
        }
        if (m_outline)
            ::operator delete(m_outline);
        m_outline = new_elements;
        m_capacity = new_capacity;
        return {};
    }

    void take_storage_from(Vector& other)
    {
        if (other.m_outline) {
            m_outline = exchange(other.m_outline, nullptr);
            m_capacity = exchange(other.m_capacity, inline_capacity);
            m_size = exchange(other.m_size, 0);
            return;
        }
        // The other vector's elements are inline, so they are moved one by one (they fit:
        // both vectors have the same inline capacity).
        T* source = other.data();
        for (usize i = 0; i < other.m_size; ++i) {
            new (slot(i)) T(move(source[i]));
            source[i].~T();
        }
        m_size = exchange(other.m_size, 0);
    }

    T* m_outline {nullptr};
    usize m_size {0};
    usize m_capacity {inline_capacity};
    [[no_unique_address]] Detail::VectorInlineStorage<T, inline_capacity> m_inline;
};

} // namespace Base

using Base::Vector;
