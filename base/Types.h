/*
 * base/Types.h: the fixed-width integer names used everywhere in Phantom
 * (u8 ... u64, i8 ... i64, usize, isize) and FlatPtr, an integer that can hold a pointer.
 */
#pragma once

#include <cstddef>
#include <cstdint>

namespace Base {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u32 = std::uint32_t;
using u64 = std::uint64_t;
using i8 = std::int8_t;
using i16 = std::int16_t;
using i32 = std::int32_t;
using i64 = std::int64_t;
using usize = std::size_t;
using isize = std::ptrdiff_t;
using FlatPtr = std::uintptr_t;
using nullptr_t = decltype(nullptr);

static_assert(sizeof(usize) == 8 && sizeof(FlatPtr) == 8, "Phantom targets 64-bit machines only");

} // namespace Base

using Base::FlatPtr;
using Base::i16;
using Base::i32;
using Base::i64;
using Base::i8;
using Base::isize;
using Base::u16;
using Base::u32;
using Base::u64;
using Base::u8;
using Base::usize;
