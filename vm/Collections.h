/*
 * vm/Collections.h: operations on the VM's arrays, maps and strings as heap objects (layouts
 * in vm/Object.h). The interpreter's fast paths and the natives share them.
 *
 * Maps keep insertion order and compare keys by value for integers, floats and strings
 * (content), and by identity for everything else. Every function that allocates may run the
 * collector: callers keep the Values they still need in Handles or in the thread's stack.
 */
#pragma once

#include <base/Optional.h>
#include <vm/VirtualMachine.h>

namespace VM {

// Hash of text (FNV-1a), used for strings and symbols alike.
[[nodiscard]] u32 hash_text(StringView);
// Hash of a map key consistent with keys_equal.
[[nodiscard]] u32 hash_key(Value);
[[nodiscard]] bool keys_equal(Value a, Value b);

// Arrays.
[[nodiscard]] inline u32 array_length(Value array)
{
    return static_cast<u32>(array.as_object()->slots()[ArraySlot::length].as_integer());
}
[[nodiscard]] inline Value* array_elements(Value array)
{
    return array.as_object()->slots()[ArraySlot::storage].as_object()->slots();
}
ErrorOr<void> array_push(VirtualMachine&, Value array, Value element);
ErrorOr<void> array_ensure_capacity(VirtualMachine&, Value array, u32 capacity);
void array_set(VirtualMachine&, Value array, u32 index, Value element);
void array_set_length(VirtualMachine&, Value array, u32 length);

// Maps.
[[nodiscard]] inline u32 map_size(Value map)
{
    return static_cast<u32>(map.as_object()->slots()[MapSlot::size].as_integer());
}
[[nodiscard]] Optional<Value> map_get(Value map, Value key);
ErrorOr<void> map_set(VirtualMachine&, Value map, Value key, Value value);
bool map_remove(VirtualMachine&, Value map, Value key);
// A Symbol key whose text equals `text` (symbol tables), or nil.
[[nodiscard]] Value map_find_symbol(Value map, StringView text, u32 hash);
// Visits live entries in insertion order: callback(key, value); stops early if it returns false.
template<typename Callback> void map_for_each(Value map, Callback callback)
{
    auto* object = map.as_object();
    auto* entries_object = object->slots()[MapSlot::entries].as_object();
    Value tombstone = entries_object->as_value();
    auto used = static_cast<u32>(object->slots()[MapSlot::used].as_integer());
    for (u32 i = 0; i < used; ++i) {
        Value key = entries_object->slots()[2 * i];
        if (key == tombstone)
            continue;
        if (!callback(key, entries_object->slots()[2 * i + 1]))
            return;
    }
}

// Strings.
ErrorOr<Value> concatenate(VirtualMachine&, Value left, Value right);

} // namespace VM
