/*
 * base/ErrorOr.h: ErrorOr<T> (a T or an Error), ErrorOr<void>, and the macros that make
 * propagation short:
 *
 *     ErrorOr<Page*> Pager::load(u64 index) { auto block = TRY(m_map.lookup(index)); ... }
 *
 * TRY(expr) returns the error from the enclosing function or yields the value (a GNU
 * statement expression); MUST(expr) is for calls that cannot fail unless an invariant is
 * broken, and reports the error through VERIFY's path.
 */
#pragma once

#include <base/Assertions.h>
#include <base/Error.h>
#include <base/StdLibExtras.h>
#include <new>

namespace Base {

template<typename T> class [[nodiscard]] ErrorOr {
public:
    using ValueType = T;

    template<typename U = T>
    requires(
        std::is_constructible_v<T,
            U&&> && !std::is_same_v<std::remove_cvref_t<U>, ErrorOr> && !std::is_same_v<std::remove_cvref_t<U>, Error> && !std::is_same_v<std::remove_cvref_t<U>, ErrorCode>)
        ErrorOr(U&& value)
        : m_is_error(false)
    {
        new (&m_value) T(forward<U>(value));
    }

    ErrorOr(Error error)
        : m_is_error(true)
    {
        new (&m_error) Error(error);
    }
    ErrorOr(ErrorCode code)
        : ErrorOr(Error(code))
    { }

    ErrorOr(ErrorOr&& other)
        : m_is_error(other.m_is_error)
    {
        if (m_is_error)
            new (&m_error) Error(other.m_error);
        else
            new (&m_value) T(move(other.m_value));
    }
    ErrorOr(ErrorOr const& other) requires(std::is_copy_constructible_v<T>)
        : m_is_error(other.m_is_error)
    {
        if (m_is_error)
            new (&m_error) Error(other.m_error);
        else
            new (&m_value) T(other.m_value);
    }
    ErrorOr& operator=(ErrorOr&& other)
    {
        if (this != &other) {
            destroy();
            m_is_error = other.m_is_error;
            if (m_is_error)
                new (&m_error) Error(other.m_error);
            else
                new (&m_value) T(move(other.m_value));
        }
        return *this;
    }
    ErrorOr& operator=(ErrorOr const& other) requires(std::is_copy_constructible_v<T>)
    {
        if (this != &other) {
            destroy();
            m_is_error = other.m_is_error;
            if (m_is_error)
                new (&m_error) Error(other.m_error);
            else
                new (&m_value) T(other.m_value);
        }
        return *this;
    }

    ~ErrorOr() { destroy(); }

    [[nodiscard]] bool is_error() const { return m_is_error; }

    [[nodiscard]] T& value()
    {
        VERIFY(!m_is_error);
        return m_value;
    }
    [[nodiscard]] T const& value() const
    {
        VERIFY(!m_is_error);
        return m_value;
    }
    [[nodiscard]] T release_value() { return move(value()); }

    [[nodiscard]] Error const& error() const
    {
        VERIFY(m_is_error);
        return m_error;
    }
    [[nodiscard]] Error release_error() { return error(); }

private:
    void destroy()
    {
        if (!m_is_error)
            m_value.~T();
    }

    union {
        T m_value;
        Error m_error;
    };
    bool m_is_error;
};

template<> class [[nodiscard]] ErrorOr<void> {
public:
    using ValueType = void;

    ErrorOr() = default;
    ErrorOr(Error error)
        : m_error(error)
    { }
    ErrorOr(ErrorCode code)
        : m_error(Error(code))
    { }

    [[nodiscard]] bool is_error() const { return m_error.has_value(); }
    void value() const { VERIFY(!is_error()); }
    void release_value() const { VERIFY(!is_error()); }
    [[nodiscard]] Error const& error() const { return m_error.value(); }
    [[nodiscard]] Error release_error() { return m_error.value(); }

private:
    Optional<Error> m_error;
};

// Called by MUST() with the error that was not supposed to happen; formats it and fails
// through verification_failed().
[[noreturn]] void must_failed(
    char const* expression, Error const& error, char const* file, unsigned line, char const* function);

} // namespace Base

using Base::ErrorOr;

// The variable names are unusual on purpose so they cannot shadow the caller's.
#define TRY(expression)                                                                                      \
    ({                                                                                                       \
        auto&& _phantom_try_result = (expression);                                                           \
        if (_phantom_try_result.is_error()) [[unlikely]]                                                     \
            return _phantom_try_result.release_error();                                                      \
        _phantom_try_result.release_value();                                                                 \
    })

#define MUST(expression)                                                                                     \
    ({                                                                                                       \
        auto&& _phantom_must_result = (expression);                                                          \
        if (_phantom_must_result.is_error()) [[unlikely]]                                                    \
            ::Base::must_failed(                                                                             \
                #expression, _phantom_must_result.error(), __FILE__, __LINE__, __PRETTY_FUNCTION__);         \
        _phantom_must_result.release_value();                                                                \
    })
