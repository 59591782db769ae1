/*
 * vm/natives/Strings.cpp: String (immutable UTF-8 text; lengths and indices count bytes,
 * chars() splits into characters) and StringBuilder (a growable byte buffer for building
 * text in a loop without quadratic copying).
 */
#include <vm/Collections.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    StringView text(Value value) { return text_of(value); }

    NativeResult expect_string(VirtualMachine& vm, StringView method)
    {
        return vm.throw_formatted(BuiltinClass::TypeError, "String.{} expects a string", method);
    }

    NativeResult string_length(VirtualMachine&, Value* arguments, u32)
    {
        return returning(Value::integer(arguments[0].as_object()->byte_count));
    }

    NativeResult string_add(VirtualMachine& vm, Value* arguments, u32)
    {
        if (is_string(arguments[1]))
            return returning(concatenate(vm, arguments[0], arguments[1]));
        StringBuilder builder;
        if (builder.try_append(text(arguments[0])).is_error()
            || vm.append_display(builder, arguments[1]).is_error())
            return {NativeOutcome::Throw, Value::nil()};
        return returning_text(vm, builder);
    }

    NativeResult string_substring(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count < 1 || count > 2)
            return vm.throw_error(
                BuiltinClass::ArgumentError, "substring takes a start and an optional end"sv);
        i64 length = arguments[0].as_object()->byte_count;
        if (!arguments[1].is_integer() || (count == 2 && !arguments[2].is_integer()))
            return vm.throw_error(BuiltinClass::TypeError, "substring expects integers"sv);
        i64 start = arguments[1].as_integer();
        i64 end = count == 2 ? arguments[2].as_integer() : length;
        if (start < 0 || end > length || start > end)
            return vm.throw_formatted(BuiltinClass::IndexError,
                "substring({}, {}) out of range for a string of length {}", start, end, length);
        return returning(vm.make_string(
            text(arguments[0]).substring_view(static_cast<usize>(start), static_cast<usize>(end - start))));
    }

    i64 find(StringView haystack, StringView needle, usize from)
    {
        if (needle.length() > haystack.length())
            return -1;
        for (usize i = from; i + needle.length() <= haystack.length(); ++i) {
            if (haystack.substring_view(i, needle.length()) == needle)
                return static_cast<i64>(i);
        }
        return -1;
    }

    NativeResult string_index_of(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return expect_string(vm, "indexOf"sv);
        return returning(Value::integer(find(text(arguments[0]), text(arguments[1]), 0)));
    }

    NativeResult string_contains(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return expect_string(vm, "contains"sv);
        return returning(vm.boolean(find(text(arguments[0]), text(arguments[1]), 0) >= 0));
    }

    NativeResult string_starts_with(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return expect_string(vm, "startsWith"sv);
        return returning(vm.boolean(text(arguments[0]).starts_with(text(arguments[1]))));
    }

    NativeResult string_ends_with(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return expect_string(vm, "endsWith"sv);
        return returning(vm.boolean(text(arguments[0]).ends_with(text(arguments[1]))));
    }

    // Appends strings made from pieces of arguments[0] to a new array kept in arguments[1]'s slot
    // (the separator is no longer needed once the pieces are found), so the array stays alive.
    NativeResult string_split(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return expect_string(vm, "split"sv);
        auto array = vm.make_array(0);
        if (array.is_error())
            return {NativeOutcome::Throw, Value::nil()};
        Handle keep(vm.heap(), array.value());
        Handle separator(vm.heap(), arguments[1]);
        usize position = 0;
        for (;;) {
            StringView whole = text(arguments[0]);
            StringView sep = text(separator.value());
            i64 found = sep.is_empty() ? (position < whole.length() ? static_cast<i64>(position) + 1 : -1)
                                       : find(whole, sep, position);
            if (sep.is_empty() && found >= static_cast<i64>(whole.length()))
                found = -1;
            usize end = found < 0 ? whole.length() : static_cast<usize>(found);
            auto piece = vm.make_string(text(arguments[0]).substring_view(position, end - position));
            if (piece.is_error() || array_push(vm, keep.value(), piece.value()).is_error())
                return {NativeOutcome::Throw, Value::nil()};
            if (found < 0)
                break;
            position = end + sep.length();
        }
        return returning(keep.value());
    }

    u32 character_length(u8 lead)
    {
        if (lead < 0x80)
            return 1;
        if ((lead >> 5) == 0x6)
            return 2;
        if ((lead >> 4) == 0xe)
            return 3;
        if ((lead >> 3) == 0x1e)
            return 4;
        return 1;
    }

    NativeResult string_chars(VirtualMachine& vm, Value* arguments, u32)
    {
        auto array = vm.make_array(0);
        if (array.is_error())
            return {NativeOutcome::Throw, Value::nil()};
        Handle keep(vm.heap(), array.value());
        usize position = 0;
        while (position < arguments[0].as_object()->byte_count) {
            StringView whole = text(arguments[0]);
            usize length
                = min<usize>(character_length(static_cast<u8>(whole[position])), whole.length() - position);
            auto piece = vm.make_string(whole.substring_view(position, length));
            if (piece.is_error() || array_push(vm, keep.value(), piece.value()).is_error())
                return {NativeOutcome::Throw, Value::nil()};
            position += length;
        }
        return returning(keep.value());
    }

    NativeResult string_compare(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return expect_string(vm, "compare"sv);
        int result = text(arguments[0]).compare(text(arguments[1]));
        return returning(Value::integer(result < 0 ? -1 : (result > 0 ? 1 : 0)));
    }

    NativeResult string_case(VirtualMachine& vm, Value* arguments, bool upper)
    {
        auto result = vm.make_string(text(arguments[0]));
        if (result.is_error())
            return {NativeOutcome::Throw, Value::nil()};
        auto* object = result.value().as_object();
        for (u32 i = 0; i < object->byte_count; ++i) {
            u8& byte = object->bytes()[i];
            if (upper && byte >= 'a' && byte <= 'z')
                byte = static_cast<u8>(byte - 'a' + 'A');
            if (!upper && byte >= 'A' && byte <= 'Z')
                byte = static_cast<u8>(byte - 'A' + 'a');
        }
        return returning(result.value());
    }

    NativeResult string_trim(VirtualMachine& vm, Value* arguments, u32)
    {
        StringView whole = text(arguments[0]);
        auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
        usize start = 0, end = whole.length();
        while (start < end && is_space(whole[start]))
            ++start;
        while (end > start && is_space(whole[end - 1]))
            --end;
        return returning(vm.make_string(whole.substring_view(start, end - start)));
    }

    NativeResult string_to_int(VirtualMachine&, Value* arguments, u32)
    {
        StringView whole = text(arguments[0]);
        bool negative = !whole.is_empty() && whole[0] == '-';
        usize start = (negative || (!whole.is_empty() && whole[0] == '+')) ? 1 : 0;
        if (start >= whole.length())
            return returning(Value::nil());
        i64 value = 0;
        for (usize i = start; i < whole.length(); ++i) {
            if (whole[i] < '0' || whole[i] > '9')
                return returning(Value::nil());
            if (__builtin_mul_overflow(value, 10, &value)
                || __builtin_add_overflow(value, whole[i] - '0', &value) || !Value::fits_integer(value))
                return returning(Value::nil());
        }
        return returning(Value::integer(negative ? -value : value));
    }

    NativeResult string_to_float(VirtualMachine& vm, Value* arguments, u32)
    {
        auto parsed = parse_double(text(arguments[0]));
        if (!parsed.has_value())
            return returning(Value::nil());
        return returning(vm.make_float(parsed.value()));
    }

    NativeResult string_char_at(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!arguments[1].is_integer())
            return vm.throw_error(BuiltinClass::TypeError, "a string index must be an integer"sv);
        i64 index = arguments[1].as_integer();
        i64 length = arguments[0].as_object()->byte_count;
        if (index < 0)
            index += length;
        if (index < 0 || index >= length)
            return vm.throw_formatted(BuiltinClass::IndexError,
                "index {} out of range for a string of length {}", arguments[1].as_integer(), length);
        return returning(vm.make_string(text(arguments[0]).substring_view(static_cast<usize>(index), 1)));
    }

    NativeResult string_code_at(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!arguments[1].is_integer())
            return vm.throw_error(BuiltinClass::TypeError, "a string index must be an integer"sv);
        i64 index = arguments[1].as_integer();
        if (index < 0 || index >= arguments[0].as_object()->byte_count)
            return vm.throw_formatted(BuiltinClass::IndexError, "index {} out of range", index);
        return returning(Value::integer(arguments[0].as_object()->bytes()[index]));
    }

    NativeResult string_repeat(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!arguments[1].is_integer() || arguments[1].as_integer() < 0)
            return vm.throw_error(BuiltinClass::ArgumentError, "repeat expects a count of 0 or more"sv);
        u64 total = static_cast<u64>(arguments[1].as_integer()) * arguments[0].as_object()->byte_count;
        if (total > 0x7fffffff)
            return vm.throw_error(BuiltinClass::ArgumentError, "the repeated string would be too long"sv);
        auto object = vm.heap().allocate(
            vm.builtin_class(BuiltinClass::String), ObjectKind::String, 0, static_cast<u32>(total));
        if (object.is_error())
            return {NativeOutcome::Throw, Value::nil()};
        u32 piece = arguments[0].as_object()->byte_count;
        for (u64 i = 0; i < total; i += piece)
            __builtin_memcpy(object.value()->bytes() + i, arguments[0].as_object()->bytes(), piece);
        return returning(object.value()->as_value());
    }

    NativeResult string_replace(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]) || !is_string(arguments[2]))
            return expect_string(vm, "replace"sv);
        StringBuilder builder;
        StringView whole = text(arguments[0]), needle = text(arguments[1]), replacement = text(arguments[2]);
        if (needle.is_empty())
            return returning(arguments[0]);
        usize position = 0;
        for (;;) {
            i64 found = find(whole, needle, position);
            usize end = found < 0 ? whole.length() : static_cast<usize>(found);
            if (builder.try_append(whole.substring_view(position, end - position)).is_error())
                return {NativeOutcome::Throw, Value::nil()};
            if (found < 0)
                break;
            if (builder.try_append(replacement).is_error())
                return {NativeOutcome::Throw, Value::nil()};
            position = end + needle.length();
        }
        return returning_text(vm, builder);
    }

    constexpr NativeMethod string_methods[] = {
        {"length"sv, NativeKind::Instance, 0, string_length},
        {"+"sv, NativeKind::Instance, 1, string_add},
        {"concat"sv, NativeKind::Instance, 1, string_add},
        {"substring"sv, NativeKind::Instance, -1, string_substring},
        {"indexOf"sv, NativeKind::Instance, 1, string_index_of},
        {"contains"sv, NativeKind::Instance, 1, string_contains},
        {"startsWith"sv, NativeKind::Instance, 1, string_starts_with},
        {"endsWith"sv, NativeKind::Instance, 1, string_ends_with},
        {"split"sv, NativeKind::Instance, 1, string_split},
        {"chars"sv, NativeKind::Instance, 0, string_chars},
        {"compare"sv, NativeKind::Instance, 1, string_compare},
        {"toUpperCase"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return string_case(vm, arguments, true); }},
        {"toLowerCase"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return string_case(vm, arguments, false); }},
        {"trim"sv, NativeKind::Instance, 0, string_trim},
        {"toInt"sv, NativeKind::Instance, 0, string_to_int},
        {"toFloat"sv, NativeKind::Instance, 0, string_to_float},
        {"charAt"sv, NativeKind::Instance, 1, string_char_at},
        {"[]"sv, NativeKind::Instance, 1, string_char_at},
        {"codeAt"sv, NativeKind::Instance, 1, string_code_at},
        {"repeat"sv, NativeKind::Instance, 1, string_repeat},
        {"replace"sv, NativeKind::Instance, 2, string_replace},
        {"toString"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) { return returning(arguments[0]); }},
        {"hash"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                return returning(Value::integer(hash_text(text_of(arguments[0]))));
            }},
    };

    // StringBuilder: $buffer is a Raw object whose bytes are the capacity; $length the bytes used.

    NativeResult builder_init(VirtualMachine& vm, Value* arguments, u32)
    {
        auto buffer = vm.heap().allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 0, 64);
        if (buffer.is_error())
            return {NativeOutcome::Throw, Value::nil()};
        vm.heap().write(arguments[0].as_object(), StringBuilderSlot::buffer, buffer.value()->as_value());
        arguments[0].as_object()->slots()[StringBuilderSlot::length] = Value::integer(0);
        return returning(Value::nil());
    }

    NativeResult builder_append(VirtualMachine& vm, Value* arguments, u32)
    {
        auto* self = arguments[0].as_object();
        if (self->slots()[StringBuilderSlot::buffer].is_nil()) {
            auto result = builder_init(vm, arguments, 0);
            if (result.outcome != NativeOutcome::Return)
                return result;
        }
        StringBuilder piece;
        StringView addition;
        if (is_string(arguments[1])) {
            addition = text(arguments[1]);
        } else {
            if (vm.append_display(piece, arguments[1]).is_error())
                return {NativeOutcome::Throw, Value::nil()};
            addition = piece.string_view();
        }
        auto length = static_cast<u64>(self->slots()[StringBuilderSlot::length].as_integer());
        auto* buffer = self->slots()[StringBuilderSlot::buffer].as_object();
        if (length + addition.length() > 0x7fffffff)
            return vm.throw_error(BuiltinClass::ArgumentError, "the string would be too long"sv);
        if (length + addition.length() > buffer->byte_count) {
            u64 capacity = max<u64>(length + addition.length(), static_cast<u64>(buffer->byte_count) * 2);
            capacity = min<u64>(capacity, 0x7fffffff);
            // The text to add may live in the heap (a String argument stays alive on the stack).
            auto grown = vm.heap().allocate(
                vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 0, static_cast<u32>(capacity));
            if (grown.is_error())
                return {NativeOutcome::Throw, Value::nil()};
            self = arguments[0].as_object();
            buffer = self->slots()[StringBuilderSlot::buffer].as_object();
            __builtin_memcpy(grown.value()->bytes(), buffer->bytes(), length);
            vm.heap().write(self, StringBuilderSlot::buffer, grown.value()->as_value());
            buffer = grown.value();
            if (is_string(arguments[1]))
                addition = text(arguments[1]);
        }
        __builtin_memcpy(
            buffer->bytes() + length, addition.characters_without_null_termination(), addition.length());
        self->slots()[StringBuilderSlot::length]
            = Value::integer(static_cast<i64>(length + addition.length()));
        return returning(arguments[0]);
    }

    NativeResult builder_to_string(VirtualMachine& vm, Value* arguments, u32)
    {
        auto* self = arguments[0].as_object();
        if (self->slots()[StringBuilderSlot::buffer].is_nil())
            return returning(vm.make_string(""sv));
        auto length = static_cast<u32>(self->slots()[StringBuilderSlot::length].as_integer());
        auto result
            = vm.heap().allocate(vm.builtin_class(BuiltinClass::String), ObjectKind::String, 0, length);
        if (result.is_error())
            return {NativeOutcome::Throw, Value::nil()};
        __builtin_memcpy(result.value()->bytes(),
            arguments[0].as_object()->slots()[StringBuilderSlot::buffer].as_object()->bytes(), length);
        return returning(result.value()->as_value());
    }

    constexpr StringView builder_fields[] = {"$buffer"sv, "$length"sv};

    constexpr NativeMethod builder_methods[] = {
        {"init"sv, NativeKind::Constructor, 0, builder_init},
        {"append"sv, NativeKind::Instance, 1, builder_append},
        {"toString"sv, NativeKind::Instance, 0, builder_to_string},
        {"length"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                Value length = arguments[0].as_object()->slots()[StringBuilderSlot::length];
                return returning(length.is_nil() ? Value::integer(0) : length);
            }},
        {"clear"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                arguments[0].as_object()->slots()[StringBuilderSlot::length] = Value::integer(0);
                return returning(arguments[0]);
            }},
    };

    constexpr NativeClass string_classes[] = {
        {"String"sv, ""sv, {}, string_methods},
        {"StringBuilder"sv, ""sv, builder_fields, builder_methods},
    };

} // namespace

Span<NativeClass const> string_native_classes() { return string_classes; }

} // namespace VM
