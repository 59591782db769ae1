/*
 * vm/Value.h: the VM's value word and the header every heap object starts with.
 *
 * A Value is 64 bits: low bit 1 is a small integer (63-bit signed, value = bits >> 1), all
 * zero is nil, anything else is the 8-byte-aligned address of an ObjectHeader in the heap.
 * An object is an ObjectHeader followed by `slot_count` Values and then `byte_count` raw
 * bytes (padded to 8). The collector scans exactly the class word and the slots; raw bytes
 * never hold references. Objects hold no host pointers: addresses are inside the heap range,
 * which sits at the same virtual address after a restart.
 */
#pragma once

#include <base/Assertions.h>
#include <base/StringView.h>
#include <base/Types.h>

namespace VM {

struct ObjectHeader;

class Value {
public:
    constexpr Value() = default;

    // The largest and smallest integers a Value holds without boxing.
    static constexpr i64 max_integer = (static_cast<i64>(1) << 62) - 1;
    static constexpr i64 min_integer = -(static_cast<i64>(1) << 62);

    [[nodiscard]] static constexpr Value nil() { return Value(); }
    [[nodiscard]] static constexpr bool fits_integer(i64 value)
    {
        return value >= min_integer && value <= max_integer;
    }
    // A small integer; the caller checks fits_integer() where overflow is possible.
    [[nodiscard]] static constexpr Value integer(i64 value)
    {
        return from_bits((static_cast<u64>(value) << 1) | 1);
    }
    // A reference to a heap object (nullptr gives nil).
    [[nodiscard]] static Value object(ObjectHeader const* header)
    {
        return from_bits(static_cast<u64>(reinterpret_cast<FlatPtr>(header)));
    }
    [[nodiscard]] static constexpr Value from_bits(u64 bits)
    {
        Value value;
        value.m_bits = bits;
        return value;
    }

    [[nodiscard]] constexpr u64 bits() const { return m_bits; }
    [[nodiscard]] constexpr bool is_nil() const { return m_bits == 0; }
    [[nodiscard]] constexpr bool is_integer() const { return (m_bits & 1) != 0; }
    [[nodiscard]] constexpr bool is_object() const { return m_bits != 0 && (m_bits & 1) == 0; }
    // Arithmetic shift restores the sign of the 63-bit integer.
    [[nodiscard]] constexpr i64 as_integer() const { return static_cast<i64>(m_bits) >> 1; }
    [[nodiscard]] ObjectHeader* as_object() const
    {
        return reinterpret_cast<ObjectHeader*>(static_cast<FlatPtr>(m_bits));
    }

    constexpr bool operator==(Value const&) const = default;

private:
    u64 m_bits {0};
};

static_assert(sizeof(Value) == 8);

// Every kind of heap object, declared once. Free is the heap's own: a chunk of free memory
// that is never visible as a Value.
#define PHANTOM_ENUMERATE_OBJECT_KINDS(K)                                                                    \
    K(Instance)                                                                                              \
    K(Class)                                                                                                 \
    K(Method)                                                                                                \
    K(String)                                                                                                \
    K(Symbol)                                                                                                \
    K(Array)                                                                                                 \
    K(Map)                                                                                                   \
    K(Float)                                                                                                 \
    K(Closure)                                                                                               \
    K(Box)                                                                                                   \
    K(Thread)                                                                                                \
    K(Stack)                                                                                                 \
    K(Weak)                                                                                                  \
    K(Raw)                                                                                                   \
    K(Free)

enum class ObjectKind : u8 {
#define PHANTOM_OBJECT_KIND_ENUMERATOR(name) name,
    PHANTOM_ENUMERATE_OBJECT_KINDS(PHANTOM_OBJECT_KIND_ENUMERATOR)
#undef PHANTOM_OBJECT_KIND_ENUMERATOR
};

constexpr u8 object_kind_count = static_cast<u8>(ObjectKind::Free) + 1;

// "Instance" for ObjectKind::Instance.
[[nodiscard]] constexpr StringView object_kind_name(ObjectKind kind)
{
    switch (kind) {
#define PHANTOM_OBJECT_KIND_NAME(name)                                                                       \
    case ObjectKind::name:                                                                                   \
        return #name##sv;
        PHANTOM_ENUMERATE_OBJECT_KINDS(PHANTOM_OBJECT_KIND_NAME)
#undef PHANTOM_OBJECT_KIND_NAME
    }
    return "Unknown"sv;
}

// The 24-byte header in front of every object. `klass`, `slot_count`, `byte_count`, `kind`
// and `flags` belong to the object model; `gc_bits` and `chunk_granules` belong to the heap
// (colour, and the size of the memory chunk, which may be larger than the object needs).
// The class word is a reference like a slot: write it with Heap::write_class().
struct ObjectHeader {
    Value klass;
    u32 slot_count;
    u32 byte_count;
    ObjectKind kind;
    u8 gc_bits;
    u16 flags;
    u32 chunk_granules;

    [[nodiscard]] Value* slots() { return reinterpret_cast<Value*>(this + 1); }
    [[nodiscard]] Value const* slots() const { return reinterpret_cast<Value const*>(this + 1); }
    [[nodiscard]] Value slot(u32 index) const
    {
        VERIFY(index < slot_count);
        return slots()[index];
    }
    [[nodiscard]] u8* bytes() { return reinterpret_cast<u8*>(slots() + slot_count); }
    [[nodiscard]] u8 const* bytes() const { return reinterpret_cast<u8 const*>(slots() + slot_count); }
    [[nodiscard]] StringView bytes_as_string_view() const
    {
        return StringView(reinterpret_cast<char const*>(bytes()), byte_count);
    }
    [[nodiscard]] Value as_value() const { return Value::object(this); }
};

static_assert(sizeof(ObjectHeader) == 24);

// Memory is handed out in 8-byte granules.
constexpr usize heap_granule_size = 8;

// The bytes an object with these counts occupies (header, slots, raw bytes padded to 8).
[[nodiscard]] constexpr u64 object_size_in_bytes(u32 slot_count, u32 byte_count)
{
    return sizeof(ObjectHeader) + static_cast<u64>(slot_count) * sizeof(Value)
        + ((static_cast<u64>(byte_count) + heap_granule_size - 1) & ~static_cast<u64>(heap_granule_size - 1));
}

} // namespace VM
