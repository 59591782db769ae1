/*
 * vm/Collections.cpp: arrays (a length and a storage object that doubles when full), maps
 * (insertion-ordered entries plus an open-addressing index of u32 buckets, rebuilt and
 * compacted when the entries fill up) and string concatenation.
 */
#include <vm/Collections.h>

namespace VM {

u32 hash_text(StringView text)
{
    u32 hash = 2166136261u;
    for (char character : text) {
        hash ^= static_cast<u8>(character);
        hash *= 16777619u;
    }
    return hash;
}

static u32 mix(u64 bits)
{
    bits ^= bits >> 33;
    bits *= 0xff51afd7ed558ccdULL;
    bits ^= bits >> 33;
    return static_cast<u32>(bits);
}

u32 hash_key(Value key)
{
    if (!key.is_object())
        return mix(key.bits());
    auto* object = key.as_object();
    switch (object->kind) {
    case ObjectKind::String:
    case ObjectKind::Symbol:
        return hash_text(object->bytes_as_string_view());
    case ObjectKind::Float: {
        double value = float_of(key);
        if (value == 0)
            value = 0; // -0.0 and 0.0 are the same key
        u64 bits;
        __builtin_memcpy(&bits, &value, sizeof bits);
        return mix(bits);
    }
    default:
        return mix(key.bits());
    }
}

bool keys_equal(Value a, Value b)
{
    if (a == b)
        return true;
    if (!a.is_object() || !b.is_object())
        return false;
    auto* left = a.as_object();
    auto* right = b.as_object();
    if (left->kind == ObjectKind::String && right->kind == ObjectKind::String)
        return left->bytes_as_string_view() == right->bytes_as_string_view();
    if (left->kind == ObjectKind::Float && right->kind == ObjectKind::Float)
        return float_of(a) == float_of(b);
    return false;
}

// Arrays

ErrorOr<void> array_ensure_capacity(VirtualMachine& vm, Value array, u32 capacity)
{
    auto* storage = array.as_object()->slots()[ArraySlot::storage].as_object();
    if (storage->slot_count >= capacity)
        return {};
    u32 new_capacity = max<u32>(capacity, max<u32>(8, storage->slot_count * 2));
    Handle keep(vm.heap(), array);
    auto* fresh
        = TRY(vm.heap().allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, new_capacity, 0));
    storage = array.as_object()->slots()[ArraySlot::storage].as_object();
    u32 length = array_length(array);
    for (u32 i = 0; i < length; ++i)
        vm.heap().write(fresh, i, storage->slots()[i]);
    vm.heap().write(array.as_object(), ArraySlot::storage, fresh->as_value());
    return {};
}

ErrorOr<void> array_push(VirtualMachine& vm, Value array, Value element)
{
    u32 length = array_length(array);
    if (array.as_object()->slots()[ArraySlot::storage].as_object()->slot_count <= length) {
        Handle keep_element(vm.heap(), element);
        TRY(array_ensure_capacity(vm, array, length + 1));
    }
    vm.heap().write(array.as_object()->slots()[ArraySlot::storage].as_object(), length, element);
    array.as_object()->slots()[ArraySlot::length] = Value::integer(length + 1);
    return {};
}

void array_set(VirtualMachine& vm, Value array, u32 index, Value element)
{
    VERIFY(index < array_length(array));
    vm.heap().write(array.as_object()->slots()[ArraySlot::storage].as_object(), index, element);
}

void array_set_length(VirtualMachine& vm, Value array, u32 length)
{
    auto* storage = array.as_object()->slots()[ArraySlot::storage].as_object();
    VERIFY(length <= storage->slot_count);
    // Dropped elements must not keep garbage alive.
    for (u32 i = length; i < array_length(array); ++i)
        vm.heap().write(storage, i, Value::nil());
    array.as_object()->slots()[ArraySlot::length] = Value::integer(length);
}

// Maps

static u32 bucket_count(ObjectHeader* map)
{
    return map->slots()[MapSlot::index].as_object()->byte_count / 4;
}
static u32* buckets(ObjectHeader* map)
{
    return reinterpret_cast<u32*>(map->slots()[MapSlot::index].as_object()->bytes());
}

static Optional<u32> find_entry(ObjectHeader* map, Value key)
{
    u32 count = bucket_count(map);
    if (count == 0)
        return {};
    u32* table = buckets(map);
    Value* entries = map->slots()[MapSlot::entries].as_object()->slots();
    u32 mask = count - 1;
    for (u32 bucket = hash_key(key) & mask;; bucket = (bucket + 1) & mask) {
        u32 slot = table[bucket];
        if (slot == 0)
            return {};
        if (keys_equal(entries[2 * (slot - 1)], key))
            return slot - 1;
    }
}

Optional<Value> map_get(Value map, Value key)
{
    auto* object = map.as_object();
    auto entry = find_entry(object, key);
    if (!entry.has_value())
        return {};
    return object->slots()[MapSlot::entries].as_object()->slots()[2 * entry.value() + 1];
}

Value map_find_symbol(Value map, StringView text, u32 hash)
{
    auto* object = map.as_object();
    u32 count = bucket_count(object);
    if (count == 0)
        return Value::nil();
    u32* table = buckets(object);
    Value* entries = object->slots()[MapSlot::entries].as_object()->slots();
    u32 mask = count - 1;
    for (u32 bucket = hash & mask;; bucket = (bucket + 1) & mask) {
        u32 slot = table[bucket];
        if (slot == 0)
            return Value::nil();
        Value key = entries[2 * (slot - 1)];
        if (is_kind(key, ObjectKind::Symbol) && text_of(key) == text)
            return key;
    }
}

// Rebuilds entries and index with room for `capacity` live entries, dropping removed ones.
static ErrorOr<void> rebuild(VirtualMachine& vm, Value map, u32 capacity)
{
    auto& heap = vm.heap();
    Handle keep_map(heap, map);
    u32 bucket_total = 8;
    while (bucket_total < capacity * 2)
        bucket_total *= 2;
    auto* entries = TRY(heap.allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, capacity * 2, 0));
    Handle keep_entries(heap, entries->as_value());
    auto* index
        = TRY(heap.allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 0, bucket_total * 4));
    auto* object = map.as_object();
    u32* table = reinterpret_cast<u32*>(index->bytes());
    u32 mask = bucket_total - 1;
    u32 used = 0;
    map_for_each(map, [&](Value key, Value value) {
        heap.write(entries, 2 * used, key);
        heap.write(entries, 2 * used + 1, value);
        u32 bucket = hash_key(key) & mask;
        while (table[bucket] != 0)
            bucket = (bucket + 1) & mask;
        table[bucket] = used + 1;
        ++used;
        return true;
    });
    heap.write(object, MapSlot::entries, entries->as_value());
    heap.write(object, MapSlot::index, index->as_value());
    object->slots()[MapSlot::used] = Value::integer(used);
    return {};
}

ErrorOr<void> map_set(VirtualMachine& vm, Value map, Value key, Value value)
{
    auto* object = map.as_object();
    if (auto entry = find_entry(object, key); entry.has_value()) {
        vm.heap().write(object->slots()[MapSlot::entries].as_object(), 2 * entry.value() + 1, value);
        return {};
    }
    auto used = static_cast<u32>(object->slots()[MapSlot::used].as_integer());
    u32 capacity = object->slots()[MapSlot::entries].as_object()->slot_count / 2;
    if (used >= capacity) {
        Handle keep_key(vm.heap(), key);
        Handle keep_value(vm.heap(), value);
        TRY(rebuild(vm, map, max<u32>(4, map_size(map) * 2)));
        object = map.as_object();
        used = static_cast<u32>(object->slots()[MapSlot::used].as_integer());
    }
    auto* entries = object->slots()[MapSlot::entries].as_object();
    vm.heap().write(entries, 2 * used, key);
    vm.heap().write(entries, 2 * used + 1, value);
    u32* table = buckets(object);
    u32 mask = bucket_count(object) - 1;
    u32 bucket = hash_key(key) & mask;
    while (table[bucket] != 0)
        bucket = (bucket + 1) & mask;
    table[bucket] = used + 1;
    object->slots()[MapSlot::used] = Value::integer(used + 1);
    object->slots()[MapSlot::size] = Value::integer(map_size(map) + 1);
    return {};
}

bool map_remove(VirtualMachine& vm, Value map, Value key)
{
    auto* object = map.as_object();
    auto entry = find_entry(object, key);
    if (!entry.has_value())
        return false;
    auto* entries = object->slots()[MapSlot::entries].as_object();
    // The bucket keeps pointing at the entry so probe chains stay intact; the tombstone key
    // matches nothing and the next rebuild drops it.
    vm.heap().write(entries, 2 * entry.value(), entries->as_value());
    vm.heap().write(entries, 2 * entry.value() + 1, Value::nil());
    object->slots()[MapSlot::size] = Value::integer(map_size(map) - 1);
    return true;
}

ErrorOr<Value> concatenate(VirtualMachine& vm, Value left, Value right)
{
    auto& heap = vm.heap();
    Handle keep_left(heap, left);
    Handle keep_right(heap, right);
    u32 left_length = left.as_object()->byte_count;
    u32 right_length = right.as_object()->byte_count;
    if (static_cast<u64>(left_length) + right_length > 0x7fffffffu)
        return Error::with_message(ErrorCode::Overflow, "string too long"sv);
    auto* result = TRY(heap.allocate(
        vm.builtin_class(BuiltinClass::String), ObjectKind::String, 0, left_length + right_length));
    __builtin_memcpy(result->bytes(), left.as_object()->bytes(), left_length);
    __builtin_memcpy(result->bytes() + left_length, right.as_object()->bytes(), right_length);
    return result->as_value();
}

} // namespace VM
