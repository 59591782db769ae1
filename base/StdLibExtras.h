/*
 * base/StdLibExtras.h: the small utilities every container needs — move, forward,
 * exchange, swap, min, max, clamp, array_size — without the hosted <utility>.
 */
#pragma once

#include <base/Types.h>
#include <type_traits>

namespace Base {

// move() takes an lvalue reference on purpose: for lvalues it is more specialized than
// std::move(T&&), so an unqualified move(x) on a std:: type found by argument-dependent
// lookup still resolves to this one instead of being ambiguous.
template<typename T> [[nodiscard]] constexpr std::remove_reference_t<T>&& move(T& value) noexcept
{
    return static_cast<std::remove_reference_t<T>&&>(value);
}

namespace Detail {

    template<typename T> struct Forward {
        [[nodiscard]] constexpr T&& operator()(std::remove_reference_t<T>& value) const noexcept
        {
            return static_cast<T&&>(value);
        }
        [[nodiscard]] constexpr T&& operator()(std::remove_reference_t<T>&& value) const noexcept
        {
            static_assert(!std::is_lvalue_reference_v<T>, "forward<T&>() of an rvalue would dangle");
            return static_cast<T&&>(value);
        }
    };

} // namespace Detail

// forward<T>(value) is a variable template rather than a function template: a name that
// finds an object switches argument-dependent lookup off, so std::forward can never make
// a call in base/ ambiguous when T is a standard library type (host code).
template<typename T> inline constexpr Detail::Forward<T> forward {};

template<typename T, typename U = T> constexpr T exchange(T& slot, U&& new_value)
{
    T old_value = move(slot);
    slot = forward<U>(new_value);
    return old_value;
}

template<typename T> constexpr void swap(T& a, T& b)
{
    T temporary = move(a);
    a = move(b);
    b = move(temporary);
}

template<typename T> [[nodiscard]] constexpr T const& min(T const& a, T const& b) { return b < a ? b : a; }

template<typename T> [[nodiscard]] constexpr T const& max(T const& a, T const& b) { return a < b ? b : a; }

template<typename T> [[nodiscard]] constexpr T const& clamp(T const& value, T const& low, T const& high)
{
    return value < low ? low : (high < value ? high : value);
}

template<typename T, usize N> [[nodiscard]] constexpr usize array_size(T const (&)[N]) { return N; }

// Round `value` up to a multiple of `alignment`, which must be a power of two.
template<typename T> [[nodiscard]] constexpr T round_up_to_power_of_two(T value, T alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

} // namespace Base

using Base::array_size;
using Base::clamp;
using Base::exchange;
using Base::forward;
using Base::max;
using Base::min;
using Base::move;
// swap stays in Base: exported globally it would capture unqualified swap() calls of host
// libraries (Qt's and the standard library's smart pointers) that include base/ headers.
