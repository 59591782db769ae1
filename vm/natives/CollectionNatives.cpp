/*
 * vm/natives/CollectionNatives.cpp: Array and Map. Natives that run Phantom code for each
 * element (sort with a comparator, forEach, map) keep their progress in a state object in
 * their own argument area and continue through continuations (no C++ recursion): sort is a
 * bottom-up merge sort, stable, calling comparator(a, b) which returns a negative number or
 * true when a goes before b.
 */
#include <vm/Collections.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    NativeResult out_of_memory() { return {NativeOutcome::Throw, Value::nil()}; }

    NativeResult index_error(VirtualMachine& vm, i64 index, u32 length)
    {
        return vm.throw_formatted(
            BuiltinClass::IndexError, "index {} out of range for an array of length {}", index, length);
    }

    // Resolves a possibly negative index; false when it is out of range.
    bool resolve_index(Value index, u32 length, u32& out)
    {
        if (!index.is_integer())
            return false;
        i64 value = index.as_integer();
        if (value < 0)
            value += length;
        if (value < 0 || value >= length)
            return false;
        out = static_cast<u32>(value);
        return true;
    }

    NativeResult array_init(VirtualMachine&, Value*, u32) { return returning(Value::nil()); }
    NativeResult array_length_native(VirtualMachine&, Value* arguments, u32)
    {
        return returning(Value::integer(array_length(arguments[0])));
    }

    NativeResult array_push_native(VirtualMachine& vm, Value* arguments, u32)
    {
        if (array_push(vm, arguments[0], arguments[1]).is_error())
            return out_of_memory();
        return returning(Value::nil());
    }

    NativeResult array_pop(VirtualMachine& vm, Value* arguments, u32)
    {
        u32 length = array_length(arguments[0]);
        if (length == 0)
            return vm.throw_error(BuiltinClass::IndexError, "pop from an empty array"sv);
        Value last = array_elements(arguments[0])[length - 1];
        array_set_length(vm, arguments[0], length - 1);
        return returning(last);
    }

    NativeResult array_get(VirtualMachine& vm, Value* arguments, u32)
    {
        u32 index;
        if (!resolve_index(arguments[1], array_length(arguments[0]), index))
            return arguments[1].is_integer()
                ? index_error(vm, arguments[1].as_integer(), array_length(arguments[0]))
                : vm.throw_error(BuiltinClass::TypeError, "an array index must be an integer"sv);
        return returning(array_elements(arguments[0])[index]);
    }

    NativeResult array_set_native(VirtualMachine& vm, Value* arguments, u32)
    {
        u32 index;
        if (!resolve_index(arguments[1], array_length(arguments[0]), index))
            return arguments[1].is_integer()
                ? index_error(vm, arguments[1].as_integer(), array_length(arguments[0]))
                : vm.throw_error(BuiltinClass::TypeError, "an array index must be an integer"sv);
        array_set(vm, arguments[0], index, arguments[2]);
        return returning(arguments[2]);
    }

    NativeResult array_slice(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count < 1 || count > 2)
            return vm.throw_error(BuiltinClass::ArgumentError, "slice takes a start and an optional end"sv);
        i64 length = array_length(arguments[0]);
        if (!arguments[1].is_integer() || (count == 2 && !arguments[2].is_integer()))
            return vm.throw_error(BuiltinClass::TypeError, "slice expects integers"sv);
        i64 start = arguments[1].as_integer();
        i64 end = count == 2 ? arguments[2].as_integer() : length;
        if (start < 0)
            start += length;
        if (end < 0)
            end += length;
        start = clamp<i64>(start, 0, length);
        end = clamp<i64>(end, start, length);
        auto result = vm.make_array(static_cast<u32>(end - start));
        if (result.is_error())
            return out_of_memory();
        for (i64 i = start; i < end; ++i)
            MUST(array_push(vm, result.value(), array_elements(arguments[0])[i]));
        return returning(result.value());
    }

    NativeResult array_insert(VirtualMachine& vm, Value* arguments, u32)
    {
        u32 length = array_length(arguments[0]);
        if (!arguments[1].is_integer() || arguments[1].as_integer() < 0 || arguments[1].as_integer() > length)
            return index_error(vm, arguments[1].is_integer() ? arguments[1].as_integer() : -1, length);
        if (array_push(vm, arguments[0], Value::nil()).is_error())
            return out_of_memory();
        auto index = static_cast<u32>(arguments[1].as_integer());
        Value* elements = array_elements(arguments[0]);
        for (u32 i = length; i > index; --i)
            array_set(vm, arguments[0], i, elements[i - 1]);
        array_set(vm, arguments[0], index, arguments[2]);
        return returning(Value::nil());
    }

    NativeResult array_remove_at(VirtualMachine& vm, Value* arguments, u32)
    {
        u32 length = array_length(arguments[0]);
        u32 index;
        if (!resolve_index(arguments[1], length, index))
            return index_error(vm, arguments[1].is_integer() ? arguments[1].as_integer() : -1, length);
        Value* elements = array_elements(arguments[0]);
        Value removed = elements[index];
        for (u32 i = index; i + 1 < length; ++i)
            array_set(vm, arguments[0], i, elements[i + 1]);
        array_set_length(vm, arguments[0], length - 1);
        return returning(removed);
    }

    bool elements_equal(VirtualMachine& vm, Value a, Value b)
    {
        if (keys_equal(a, b))
            return true;
        if (is_number(vm, a) && is_number(vm, b))
            return number_of(a) == number_of(b);
        return false;
    }

    NativeResult array_index_of(VirtualMachine& vm, Value* arguments, u32)
    {
        for (u32 i = 0; i < array_length(arguments[0]); ++i) {
            if (elements_equal(vm, array_elements(arguments[0])[i], arguments[1]))
                return returning(Value::integer(i));
        }
        return returning(Value::integer(-1));
    }

    NativeResult array_contains(VirtualMachine& vm, Value* arguments, u32 count)
    {
        auto found = array_index_of(vm, arguments, count);
        return returning(vm.boolean(found.value.as_integer() >= 0));
    }

    NativeResult array_join(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count > 1 || (count == 1 && !is_string(arguments[1])))
            return vm.throw_error(BuiltinClass::ArgumentError, "join takes an optional separator string"sv);
        StringBuilder builder;
        for (u32 i = 0; i < array_length(arguments[0]); ++i) {
            if (i > 0 && count == 1 && builder.try_append(text_of(arguments[1])).is_error())
                return out_of_memory();
            if (vm.append_display(builder, array_elements(arguments[0])[i]).is_error())
                return out_of_memory();
        }
        return returning_text(vm, builder);
    }

    NativeResult array_reverse(VirtualMachine& vm, Value* arguments, u32)
    {
        u32 length = array_length(arguments[0]);
        Value* elements = array_elements(arguments[0]);
        for (u32 i = 0; i < length / 2; ++i) {
            Value first = elements[i];
            array_set(vm, arguments[0], i, elements[length - 1 - i]);
            array_set(vm, arguments[0], length - 1 - i, first);
        }
        return returning(arguments[0]);
    }

    NativeResult array_clear(VirtualMachine& vm, Value* arguments, u32)
    {
        array_set_length(vm, arguments[0], 0);
        return returning(Value::nil());
    }

    NativeResult array_concat(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_kind(arguments[1], ObjectKind::Array))
            return vm.throw_error(BuiltinClass::TypeError, "concat expects an array"sv);
        auto result = vm.make_array(array_length(arguments[0]) + array_length(arguments[1]));
        if (result.is_error())
            return out_of_memory();
        for (u32 part = 0; part < 2; ++part) {
            for (u32 i = 0; i < array_length(arguments[part]); ++i)
                MUST(array_push(vm, result.value(), array_elements(arguments[part])[i]));
        }
        return returning(result.value());
    }

    // Natural order for sort(): numbers, or strings; anything else has no order.
    bool natural_less(VirtualMachine& vm, Value a, Value b, bool& comparable)
    {
        if (a.is_integer() && b.is_integer())
            return a.as_integer() < b.as_integer();
        if (is_number(vm, a) && is_number(vm, b))
            return number_of(a) < number_of(b);
        if (is_string(a) && is_string(b))
            return text_of(a).compare(text_of(b)) < 0;
        comparable = false;
        return false;
    }

    NativeResult sort_natural(VirtualMachine& vm, Value* arguments)
    {
        u32 length = array_length(arguments[0]);
        Vector<Value> source, target;
        if (source.try_append(array_elements(arguments[0]), length).is_error()
            || target.try_resize(length).is_error())
            return out_of_memory();
        bool comparable = true;
        for (u32 width = 1; width < length; width *= 2) {
            for (u32 low = 0; low < length; low += 2 * width) {
                u32 middle = min(low + width, length), high = min(low + 2 * width, length);
                u32 i = low, j = middle, k = low;
                while (i < middle && j < high)
                    target[k++]
                        = natural_less(vm, source[j], source[i], comparable) ? source[j++] : source[i++];
                while (i < middle)
                    target[k++] = source[i++];
                while (j < high)
                    target[k++] = source[j++];
            }
            swap(source, target);
        }
        if (!comparable)
            return vm.throw_error(
                BuiltinClass::TypeError, "sort() without a comparator needs all numbers or all strings"sv);
        for (u32 i = 0; i < length; ++i)
            array_set(vm, arguments[0], i, source[i]);
        return returning(arguments[0]);
    }

    // State of a sort with a comparator, kept in arguments[0] (the array is in the state).
    namespace SortSlot {
        constexpr u32 array = 0, comparator = 1, source = 2, target = 3, width = 4, low = 5, i = 6, j = 7,
                      k = 8, middle = 9, high = 10, merging = 11, count = 12;
    }

    i64 get(ObjectHeader* state, u32 slot) { return state->slots()[slot].as_integer(); }
    void put(ObjectHeader* state, u32 slot, i64 value) { state->slots()[slot] = Value::integer(value); }

    NativeResult sort_continue(VirtualMachine& vm, Value* arguments, u32, Value result);

    NativeResult sort_step(VirtualMachine& vm, Value* arguments)
    {
        auto& heap = vm.heap();
        auto* state = arguments[0].as_object();
        auto length = static_cast<u32>(state->slots()[SortSlot::source].as_object()->slot_count);
        for (;;) {
            auto* source = state->slots()[SortSlot::source].as_object();
            auto* target = state->slots()[SortSlot::target].as_object();
            if (get(state, SortSlot::width) >= length) {
                Value array = state->slots()[SortSlot::array];
                u32 count = min(length, array_length(array));
                for (u32 i = 0; i < count; ++i)
                    array_set(vm, array, i, source->slots()[i]);
                return returning(array);
            }
            if (get(state, SortSlot::merging)) {
                i64 i = get(state, SortSlot::i), j = get(state, SortSlot::j);
                i64 middle = get(state, SortSlot::middle), high = get(state, SortSlot::high);
                if (i < middle && j < high) {
                    Value pair[2] = {source->slots()[j], source->slots()[i]};
                    return vm.prepare_invoke(state->slots()[SortSlot::comparator], Value::nil(),
                        Span<Value const>(pair, 2), sort_continue);
                }
                i64 k = get(state, SortSlot::k);
                while (i < middle)
                    heap.write(target, static_cast<u32>(k++), source->slots()[i++]);
                while (j < high)
                    heap.write(target, static_cast<u32>(k++), source->slots()[j++]);
                put(state, SortSlot::merging, 0);
                put(state, SortSlot::low, get(state, SortSlot::low) + 2 * get(state, SortSlot::width));
            }
            i64 low = get(state, SortSlot::low), width = get(state, SortSlot::width);
            if (low >= length) {
                heap.write(state, SortSlot::source, target->as_value());
                heap.write(state, SortSlot::target, source->as_value());
                put(state, SortSlot::width, width * 2);
                put(state, SortSlot::low, 0);
                continue;
            }
            put(state, SortSlot::middle, min<i64>(low + width, length));
            put(state, SortSlot::high, min<i64>(low + 2 * width, length));
            put(state, SortSlot::i, low);
            put(state, SortSlot::j, get(state, SortSlot::middle));
            put(state, SortSlot::k, low);
            put(state, SortSlot::merging, 1);
        }
    }

    NativeResult sort_continue(VirtualMachine& vm, Value* arguments, u32, Value result)
    {
        auto* state = arguments[0].as_object();
        bool before;
        if (result.is_integer())
            before = result.as_integer() < 0;
        else if (is_number(vm, result))
            before = number_of(result) < 0;
        else
            before = result == vm.true_value();
        auto* source = state->slots()[SortSlot::source].as_object();
        auto* target = state->slots()[SortSlot::target].as_object();
        i64 k = get(state, SortSlot::k);
        if (before) {
            i64 j = get(state, SortSlot::j);
            vm.heap().write(target, static_cast<u32>(k), source->slots()[j]);
            put(state, SortSlot::j, j + 1);
        } else {
            i64 i = get(state, SortSlot::i);
            vm.heap().write(target, static_cast<u32>(k), source->slots()[i]);
            put(state, SortSlot::i, i + 1);
        }
        put(state, SortSlot::k, k + 1);
        return sort_step(vm, arguments);
    }

    NativeResult array_sort(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count == 0)
            return sort_natural(vm, arguments);
        if (count != 1 || !is_kind(arguments[1], ObjectKind::Closure))
            return vm.throw_error(BuiltinClass::ArgumentError, "sort takes an optional comparator closure"sv);
        auto& heap = vm.heap();
        u32 length = array_length(arguments[0]);
        auto state = heap.allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, SortSlot::count, 0);
        if (state.is_error())
            return out_of_memory();
        Handle keep_state(heap, state.value()->as_value());
        auto source = heap.allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, length, 0);
        if (source.is_error())
            return out_of_memory();
        heap.write(keep_state.object(), SortSlot::source, source.value()->as_value());
        auto target = heap.allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, length, 0);
        if (target.is_error())
            return out_of_memory();
        auto* object = keep_state.object();
        heap.write(object, SortSlot::target, target.value()->as_value());
        heap.write(object, SortSlot::array, arguments[0]);
        heap.write(object, SortSlot::comparator, arguments[1]);
        for (u32 i = 0; i < length; ++i)
            heap.write(object->slots()[SortSlot::source].as_object(), i, array_elements(arguments[0])[i]);
        put(object, SortSlot::width, 1);
        put(object, SortSlot::low, 0);
        put(object, SortSlot::merging, 0);
        // The state replaces the receiver in the argument area, which keeps it alive on the stack.
        arguments[0] = object->as_value();
        return sort_step(vm, arguments);
    }

    // forEach(f) and map(f): arguments[0] becomes a state [array, closure, index, results].
    NativeResult each_continue(VirtualMachine& vm, Value* arguments, u32, Value result);

    NativeResult each_step(VirtualMachine& vm, Value* arguments)
    {
        auto* state = arguments[0].as_object();
        Value array = state->slots()[0];
        i64 index = state->slots()[2].as_integer();
        if (index >= array_length(array))
            return returning(state->slots()[3].is_nil() ? Value::nil() : state->slots()[3]);
        Value element = array_elements(array)[index];
        return vm.prepare_invoke(
            state->slots()[1], Value::nil(), Span<Value const>(&element, 1), each_continue);
    }

    NativeResult each_continue(VirtualMachine& vm, Value* arguments, u32, Value result)
    {
        auto* state = arguments[0].as_object();
        if (!state->slots()[3].is_nil() && array_push(vm, state->slots()[3], result).is_error())
            return out_of_memory();
        state = arguments[0].as_object();
        state->slots()[2] = Value::integer(state->slots()[2].as_integer() + 1);
        return each_step(vm, arguments);
    }

    NativeResult array_each(VirtualMachine& vm, Value* arguments, bool collect)
    {
        if (!is_kind(arguments[1], ObjectKind::Closure))
            return vm.throw_error(BuiltinClass::TypeError, "expected a closure"sv);
        auto state = vm.heap().allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 4, 0);
        if (state.is_error())
            return out_of_memory();
        Handle keep(vm.heap(), state.value()->as_value());
        if (collect) {
            auto results = vm.make_array(array_length(arguments[0]));
            if (results.is_error())
                return out_of_memory();
            vm.heap().write(keep.object(), 3, results.value());
        }
        vm.heap().write(keep.object(), 0, arguments[0]);
        vm.heap().write(keep.object(), 1, arguments[1]);
        keep.object()->slots()[2] = Value::integer(0);
        arguments[0] = keep.value();
        return each_step(vm, arguments);
    }

    constexpr NativeMethod array_methods[] = {
        {"init"sv, NativeKind::Constructor, 0, array_init},
        {"length"sv, NativeKind::Instance, 0, array_length_native},
        {"size"sv, NativeKind::Instance, 0, array_length_native},
        {"push"sv, NativeKind::Instance, 1, array_push_native},
        {"pop"sv, NativeKind::Instance, 0, array_pop},
        {"get"sv, NativeKind::Instance, 1, array_get},
        {"set"sv, NativeKind::Instance, 2, array_set_native},
        {"[]"sv, NativeKind::Instance, 1, array_get},
        {"[]="sv, NativeKind::Instance, 2, array_set_native},
        {"slice"sv, NativeKind::Instance, -1, array_slice},
        {"insert"sv, NativeKind::Instance, 2, array_insert},
        {"removeAt"sv, NativeKind::Instance, 1, array_remove_at},
        {"indexOf"sv, NativeKind::Instance, 1, array_index_of},
        {"contains"sv, NativeKind::Instance, 1, array_contains},
        {"join"sv, NativeKind::Instance, -1, array_join},
        {"reverse"sv, NativeKind::Instance, 0, array_reverse},
        {"clear"sv, NativeKind::Instance, 0, array_clear},
        {"concat"sv, NativeKind::Instance, 1, array_concat},
        {"+"sv, NativeKind::Instance, 1, array_concat},
        {"sort"sv, NativeKind::Instance, -1, array_sort},
        {"forEach"sv, NativeKind::Instance, 1,
            [](VirtualMachine& vm, Value* arguments, u32) { return array_each(vm, arguments, false); }},
        {"map"sv, NativeKind::Instance, 1,
            [](VirtualMachine& vm, Value* arguments, u32) { return array_each(vm, arguments, true); }},
        {"isEmpty"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.boolean(array_length(arguments[0]) == 0));
            }},
    };

    // Map

    NativeResult map_get_native(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count < 1 || count > 2)
            return vm.throw_error(BuiltinClass::ArgumentError, "get takes a key and an optional default"sv);
        auto found = map_get(arguments[0], arguments[1]);
        if (found.has_value())
            return returning(found.value());
        return returning(count == 2 ? arguments[2] : Value::nil());
    }

    NativeResult map_set_native(VirtualMachine& vm, Value* arguments, u32)
    {
        if (map_set(vm, arguments[0], arguments[1], arguments[2]).is_error())
            return out_of_memory();
        return returning(arguments[2]);
    }

    NativeResult map_collect(VirtualMachine& vm, Value* arguments, bool keys)
    {
        auto result = vm.make_array(map_size(arguments[0]));
        if (result.is_error())
            return out_of_memory();
        Value array = result.value();
        // Capacity was reserved, so pushing does not allocate.
        map_for_each(arguments[0], [&](Value key, Value value) {
            MUST(array_push(vm, array, keys ? key : value));
            return true;
        });
        return returning(array);
    }

    NativeResult map_clear(VirtualMachine& vm, Value* arguments, u32)
    {
        auto fresh = vm.make_map();
        if (fresh.is_error())
            return out_of_memory();
        auto* map = arguments[0].as_object();
        for (u32 slot = 0; slot < MapSlot::count; ++slot)
            vm.heap().write(map, slot, fresh.value().as_object()->slots()[slot]);
        return returning(Value::nil());
    }

    constexpr NativeMethod map_methods[] = {
        {"init"sv, NativeKind::Constructor, 0, array_init},
        {"get"sv, NativeKind::Instance, -1, map_get_native},
        {"[]"sv, NativeKind::Instance, 1, map_get_native},
        {"set"sv, NativeKind::Instance, 2, map_set_native},
        {"[]="sv, NativeKind::Instance, 2, map_set_native},
        {"has"sv, NativeKind::Instance, 1,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.boolean(map_get(arguments[0], arguments[1]).has_value()));
            }},
        {"remove"sv, NativeKind::Instance, 1,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.boolean(map_remove(vm, arguments[0], arguments[1])));
            }},
        {"keys"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return map_collect(vm, arguments, true); }},
        {"values"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return map_collect(vm, arguments, false); }},
        {"size"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                return returning(Value::integer(map_size(arguments[0])));
            }},
        {"length"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                return returning(Value::integer(map_size(arguments[0])));
            }},
        {"isEmpty"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.boolean(map_size(arguments[0]) == 0));
            }},
        {"clear"sv, NativeKind::Instance, 0, map_clear},
    };

    constexpr NativeClass collection_classes[] = {
        {"Array"sv, ""sv, {}, array_methods},
        {"Map"sv, ""sv, {}, map_methods},
    };

    constexpr NativeContinuation continuations[] = {
        sort_continue,
        each_continue,
    };

} // namespace

Span<NativeClass const> collection_native_classes() { return collection_classes; }
Span<NativeContinuation const> collection_continuations() { return continuations; }

} // namespace VM
