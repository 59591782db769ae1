/*
 * base/Optional.h: Optional<T>, a value that may be absent, and Optional<T&>, a
 * nullable reference. Reading an empty Optional is a VERIFY failure; use has_value(),
 * value_or() or `if (auto x = ...)` first.
 */
#pragma once

#include <base/Assertions.h>
#include <base/StdLibExtras.h>
#include <base/Types.h>
#include <new>

namespace Base {

struct NullOptional {
    explicit constexpr NullOptional(int) { }
};
inline constexpr NullOptional null_optional {0};

template<typename T> class [[nodiscard]] Optional {
public:
    using ValueType = T;

    Optional() = default;
    Optional(NullOptional) { }

    template<typename U = T>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Optional>)
        Optional(U&& value)
        : m_has_value(true)
    {
        new (&m_storage) T(forward<U>(value));
    }

    Optional(Optional const& other) requires(std::is_copy_constructible_v<T>)
        : m_has_value(other.m_has_value)
    {
        if (m_has_value)
            new (&m_storage) T(other.value());
    }

    Optional(Optional&& other)
        : m_has_value(other.m_has_value)
    {
        if (m_has_value) {
            new (&m_storage) T(move(other.value()));
            other.clear();
        }
    }

    Optional& operator=(Optional const& other) requires(std::is_copy_constructible_v<T>)
    {
        if (this != &other) {
            clear();
            if (other.m_has_value)
                emplace(other.value());
        }
        return *this;
    }

    Optional& operator=(Optional&& other)
    {
        if (this != &other) {
            clear();
            if (other.m_has_value) {
                emplace(move(other.value()));
                other.clear();
            }
        }
        return *this;
    }

    ~Optional() { clear(); }

    template<typename... Args> T& emplace(Args&&... args)
    {
        clear();
        new (&m_storage) T(forward<Args>(args)...);
        m_has_value = true;
        return value();
    }

    void clear()
    {
        if (m_has_value) {
            value().~T();
            m_has_value = false;
        }
    }

    [[nodiscard]] bool has_value() const { return m_has_value; }
    explicit operator bool() const { return m_has_value; }

    [[nodiscard]] T& value() &
    {
        VERIFY(m_has_value);
        return *std::launder(reinterpret_cast<T*>(&m_storage));
    }
    [[nodiscard]] T const& value() const&
    {
        VERIFY(m_has_value);
        return *std::launder(reinterpret_cast<T const*>(&m_storage));
    }
    [[nodiscard]] T value() && { return release_value(); }

    [[nodiscard]] T release_value()
    {
        VERIFY(m_has_value);
        T released = move(value());
        clear();
        return released;
    }

    [[nodiscard]] T value_or(T const& fallback) const
    {
        if (m_has_value)
            return value();
        return fallback;
    }

    T& operator*() { return value(); }
    T const& operator*() const { return value(); }
    T* operator->() { return &value(); }
    T const* operator->() const { return &value(); }

    template<typename U> bool operator==(Optional<U> const& other) const
    {
        if (has_value() != other.has_value())
            return false;
        return !has_value() || value() == other.value();
    }

    template<typename U>
    requires(!std::is_same_v<std::remove_cvref_t<U>, Optional> && !std::is_same_v<U, NullOptional>) bool
    operator==(U const& other) const
    {
        return has_value() && value() == other;
    }

    bool operator==(NullOptional) const { return !has_value(); }

private:
    alignas(T) unsigned char m_storage[sizeof(T)];
    bool m_has_value {false};
};

// A nullable reference: no storage of its own, just a pointer that is never exposed as one.
template<typename T> class [[nodiscard]] Optional<T&> {
public:
    using ValueType = T&;

    Optional() = default;
    Optional(NullOptional) { }
    Optional(T& value)
        : m_pointer(&value)
    { }
    // Optional<T const&> from Optional<T&>.
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) Optional(Optional<U&> const& other)
        : m_pointer(other.has_value() ? &other.value() : nullptr)
    { }

    [[nodiscard]] bool has_value() const { return m_pointer != nullptr; }
    explicit operator bool() const { return has_value(); }
    void clear() { m_pointer = nullptr; }

    [[nodiscard]] T& value() const
    {
        VERIFY(m_pointer);
        return *m_pointer;
    }
    [[nodiscard]] T& release_value() { return *exchange(m_pointer, nullptr); }
    [[nodiscard]] std::remove_const_t<T> value_or(T const& fallback) const
    {
        return m_pointer ? *m_pointer : fallback;
    }

    T& operator*() const { return value(); }
    T* operator->() const { return &value(); }

    bool operator==(NullOptional) const { return !has_value(); }

    // Compares the referenced value, not the address; an empty Optional equals nothing.
    template<typename U>
    requires(!std::is_same_v<std::remove_cvref_t<U>, Optional> && !std::is_same_v<U, NullOptional>) bool
    operator==(U const& other) const
    {
        return has_value() && *m_pointer == other;
    }

private:
    T* m_pointer {nullptr};
};

} // namespace Base

using Base::null_optional;
using Base::Optional;
