/*
 * base/Traits.h: Traits<T>, how containers hash and compare keys, and the hash functions
 * behind them. HashMap<K, V> uses Traits<K> unless given its own traits type; a custom
 * traits type needs `static u32 hash(K const&)` and `static bool equals(K const&, K const&)`.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>
#include <type_traits>

namespace Base {

// A 64-to-32-bit mixer (the finalizer of MurmurHash3): consecutive integers land far apart.
[[nodiscard]] constexpr u32 hash_u64(u64 value)
{
    value ^= value >> 33;
    value *= 0xff51afd7ed558ccdULL;
    value ^= value >> 33;
    value *= 0xc4ceb9fe1a85ec53ULL;
    value ^= value >> 33;
    return static_cast<u32>(value);
}

// FNV-1a over the bytes, then mixed; good enough for names and keys, not for adversaries.
[[nodiscard]] constexpr u32 hash_string(StringView text)
{
    u64 hash = 0xcbf29ce484222325ULL;
    for (char character : text) {
        hash ^= static_cast<u8>(character);
        hash *= 0x100000001b3ULL;
    }
    return hash_u64(hash);
}

template<typename T> struct Traits;

template<typename T>
requires(std::is_integral_v<T> || std::is_enum_v<T>) struct Traits<T> {
    static constexpr u32 hash(T value) { return hash_u64(static_cast<u64>(value)); }
    static constexpr bool equals(T a, T b) { return a == b; }
};

template<typename T> struct Traits<T*> {
    static u32 hash(T const* value) { return hash_u64(reinterpret_cast<FlatPtr>(value)); }
    static constexpr bool equals(T const* a, T const* b) { return a == b; }
};

template<> struct Traits<StringView> {
    static constexpr u32 hash(StringView value) { return hash_string(value); }
    static constexpr bool equals(StringView a, StringView b) { return a == b; }
};

} // namespace Base

using Base::Traits;
