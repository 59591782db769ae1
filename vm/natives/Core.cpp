/*
 * vm/natives/Core.cpp: Object, Int, Float, Bool, Nil, Class and Math, the list of every
 * built-in native class, and VirtualMachine::append_display (how values print when no
 * Phantom toString is involved).
 */
#include <vm/Collections.h>
#include <vm/RestartList.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    NativeResult display(VirtualMachine& vm, Value value)
    {
        StringBuilder builder;
        if (vm.append_display(builder, value).is_error())
            return {NativeOutcome::Throw, Value::nil()};
        return returning_text(vm, builder);
    }

    // Object

    NativeResult object_class(VirtualMachine& vm, Value* arguments, u32)
    {
        return returning(vm.class_of(arguments[0]));
    }
    NativeResult object_equal(VirtualMachine& vm, Value* arguments, u32)
    {
        return returning(vm.boolean(arguments[0] == arguments[1]));
    }
    NativeResult object_hash(VirtualMachine&, Value* arguments, u32)
    {
        return returning(Value::integer(hash_key(arguments[0])));
    }
    NativeResult object_to_string(VirtualMachine& vm, Value* arguments, u32)
    {
        return display(vm, arguments[0]);
    }

    constexpr NativeMethod object_methods[] = {
        {"class"sv, NativeKind::Instance, 0, object_class},
        {"=="sv, NativeKind::Instance, 1, object_equal},
        {"hash"sv, NativeKind::Instance, 0, object_hash},
        {"toString"sv, NativeKind::Instance, 0, object_to_string},
    };

    // Int

    NativeResult int_to_float(VirtualMachine& vm, Value* arguments, u32)
    {
        return returning(vm.make_float(static_cast<double>(arguments[0].as_integer())));
    }
    NativeResult int_abs(VirtualMachine& vm, Value* arguments, u32)
    {
        i64 value = arguments[0].as_integer();
        if (value < 0 && !Value::fits_integer(-value))
            return vm.throw_error(BuiltinClass::ArithmeticError, "integer overflow in abs"sv);
        return returning(Value::integer(value < 0 ? -value : value));
    }
    NativeResult number_min(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_number(vm, arguments[1]))
            return vm.throw_error(BuiltinClass::TypeError, "min expects a number"sv);
        return returning(number_of(arguments[1]) < number_of(arguments[0]) ? arguments[1] : arguments[0]);
    }
    NativeResult number_max(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_number(vm, arguments[1]))
            return vm.throw_error(BuiltinClass::TypeError, "max expects a number"sv);
        return returning(number_of(arguments[1]) > number_of(arguments[0]) ? arguments[1] : arguments[0]);
    }
    NativeResult int_to_char(VirtualMachine& vm, Value* arguments, u32)
    {
        i64 code = arguments[0].as_integer();
        if (code < 0 || code > 0x10ffff)
            return vm.throw_error(BuiltinClass::ArgumentError, "character code out of range"sv);
        char bytes[4];
        u32 length;
        auto c = static_cast<u32>(code);
        if (c < 0x80) {
            bytes[0] = static_cast<char>(c);
            length = 1;
        } else if (c < 0x800) {
            bytes[0] = static_cast<char>(0xc0 | (c >> 6));
            bytes[1] = static_cast<char>(0x80 | (c & 0x3f));
            length = 2;
        } else if (c < 0x10000) {
            bytes[0] = static_cast<char>(0xe0 | (c >> 12));
            bytes[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            bytes[2] = static_cast<char>(0x80 | (c & 0x3f));
            length = 3;
        } else {
            bytes[0] = static_cast<char>(0xf0 | (c >> 18));
            bytes[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            bytes[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            bytes[3] = static_cast<char>(0x80 | (c & 0x3f));
            length = 4;
        }
        return returning(vm.make_string(StringView(bytes, length)));
    }
    NativeResult number_to_fixed(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!arguments[1].is_integer() || arguments[1].as_integer() < 0 || arguments[1].as_integer() > 100)
            return vm.throw_error(
                BuiltinClass::ArgumentError, "toFixed expects a digit count from 0 to 100"sv);
        StringBuilder builder;
        if (format_fixed(builder, number_of(arguments[0]), static_cast<u32>(arguments[1].as_integer()))
                .is_error())
            return {NativeOutcome::Throw, Value::nil()};
        return returning_text(vm, builder);
    }

    constexpr NativeMethod int_methods[] = {
        {"toString"sv, NativeKind::Instance, 0, object_to_string},
        {"toFloat"sv, NativeKind::Instance, 0, int_to_float},
        {"toInt"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) { return returning(arguments[0]); }},
        {"abs"sv, NativeKind::Instance, 0, int_abs},
        {"min"sv, NativeKind::Instance, 1, number_min},
        {"max"sv, NativeKind::Instance, 1, number_max},
        {"toChar"sv, NativeKind::Instance, 0, int_to_char},
        {"toFixed"sv, NativeKind::Instance, 1, number_to_fixed},
        {"hash"sv, NativeKind::Instance, 0, object_hash},
    };

    // Float

    NativeResult float_unary(VirtualMachine& vm, Value* arguments, double (*operation)(double))
    {
        return returning(vm.make_float(operation(float_of(arguments[0]))));
    }
    NativeResult float_to_int(VirtualMachine& vm, Value* arguments, u32)
    {
        double value = float_of(arguments[0]);
        if (!(value > -4.6e18 && value < 4.6e18))
            return vm.throw_error(BuiltinClass::ArithmeticError, "float is out of the integer range"sv);
        return returning(Value::integer(static_cast<i64>(value)));
    }

    constexpr NativeMethod float_methods[] = {
        {"toString"sv, NativeKind::Instance, 0, object_to_string},
        {"toInt"sv, NativeKind::Instance, 0, float_to_int},
        {"toFloat"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) { return returning(arguments[0]); }},
        {"floor"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return float_unary(vm, arguments, [](double x) { return __builtin_floor(x); });
            }},
        {"ceil"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return float_unary(vm, arguments, [](double x) { return __builtin_ceil(x); });
            }},
        {"round"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return float_unary(vm, arguments, [](double x) { return __builtin_round(x); });
            }},
        {"sqrt"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return float_unary(vm, arguments, [](double x) { return __builtin_sqrt(x); });
            }},
        {"abs"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return float_unary(vm, arguments, [](double x) { return __builtin_fabs(x); });
            }},
        {"isNaN"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.boolean(float_of(arguments[0]) != float_of(arguments[0])));
            }},
        {"min"sv, NativeKind::Instance, 1, number_min},
        {"max"sv, NativeKind::Instance, 1, number_max},
        {"toFixed"sv, NativeKind::Instance, 1, number_to_fixed},
        {"hash"sv, NativeKind::Instance, 0, object_hash},
    };

    constexpr NativeMethod bool_methods[] = {
        {"toString"sv, NativeKind::Instance, 0, object_to_string},
    };

    constexpr NativeMethod nil_methods[] = {
        {"toString"sv, NativeKind::Instance, 0, object_to_string},
    };

    // Class

    constexpr NativeMethod class_methods[] = {
        {"name"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.make_string(text_of(arguments[0].as_object()->slots()[ClassSlot::name])));
            }},
        {"superclass"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                return returning(arguments[0].as_object()->slots()[ClassSlot::superclass]);
            }},
        {"toString"sv, NativeKind::Instance, 0, object_to_string},
    };

    // Math (static)

    NativeResult math_unary(VirtualMachine& vm, Value* arguments, double (*operation)(double))
    {
        if (!is_number(vm, arguments[1]))
            return vm.throw_error(BuiltinClass::TypeError, "Math expects a number"sv);
        return returning(vm.make_float(operation(number_of(arguments[1]))));
    }
    NativeResult math_binary(VirtualMachine& vm, Value* arguments, double (*operation)(double, double))
    {
        if (!is_number(vm, arguments[1]) || !is_number(vm, arguments[2]))
            return vm.throw_error(BuiltinClass::TypeError, "Math expects numbers"sv);
        return returning(vm.make_float(operation(number_of(arguments[1]), number_of(arguments[2]))));
    }

#define PHANTOM_MATH_UNARY(name, builtin)                                                                    \
    {                                                                                                        \
        name##sv, NativeKind::Static, 1, [](VirtualMachine& vm, Value* arguments, u32) {                     \
            return math_unary(vm, arguments, [](double x) { return builtin(x); });                           \
        }                                                                                                    \
    }
#define PHANTOM_MATH_BINARY(name, builtin)                                                                   \
    {                                                                                                        \
        name##sv, NativeKind::Static, 2, [](VirtualMachine& vm, Value* arguments, u32) {                     \
            return math_binary(vm, arguments, [](double x, double y) { return builtin(x, y); });             \
        }                                                                                                    \
    }

    constexpr NativeMethod math_methods[] = {
        PHANTOM_MATH_UNARY("sqrt", __builtin_sqrt),
        PHANTOM_MATH_UNARY("floor", __builtin_floor),
        PHANTOM_MATH_UNARY("ceil", __builtin_ceil),
        PHANTOM_MATH_UNARY("sin", __builtin_sin),
        PHANTOM_MATH_UNARY("cos", __builtin_cos),
        PHANTOM_MATH_UNARY("tan", __builtin_tan),
        PHANTOM_MATH_UNARY("exp", __builtin_exp),
        PHANTOM_MATH_UNARY("log", __builtin_log),
        PHANTOM_MATH_BINARY("pow", __builtin_pow),
        PHANTOM_MATH_BINARY("atan2", __builtin_atan2),
        {"abs"sv, NativeKind::Static, 1,
            [](VirtualMachine& vm, Value* arguments, u32) {
                if (arguments[1].is_integer())
                    return int_abs(vm, arguments + 1, 0);
                return math_unary(vm, arguments, [](double x) { return __builtin_fabs(x); });
            }},
        {"pi"sv, NativeKind::Static, 0,
            [](VirtualMachine& vm, Value*, u32) { return returning(vm.make_float(3.14159265358979323846)); }},
    };

    constexpr NativeClass core_classes[] = {
        {"Object"sv, ""sv, {}, object_methods},
        {"Int"sv, ""sv, {}, int_methods},
        {"Float"sv, ""sv, {}, float_methods},
        {"Bool"sv, ""sv, {}, bool_methods},
        {"Nil"sv, ""sv, {}, nil_methods},
        {"Class"sv, ""sv, {}, class_methods},
        {"Math"sv, ""sv, {}, math_methods},
        // Thrown by a native call that a restart interrupted (RestartPolicy::Fail). Not in the
        // built-in class table, so that images made before it existed still attach.
        {"Restarted"sv, "Error"sv, {}, {}},
        // Thrown into a thread by VirtualMachine::interrupt_thread (Ctrl-C in the object shell),
        // outside the table for the same reason.
        {"Interrupted"sv, "Error"sv, {}, {}},
    };

} // namespace

Span<NativeClass const> core_native_classes() { return core_classes; }

Span<NativeClassGroup const> builtin_native_class_groups()
{
    // Bound in this order at create and at attach, so the native table is rebuilt identically.
    static constexpr NativeClassGroup groups[] = {
        core_native_classes,
        string_native_classes,
        collection_native_classes,
        thread_native_classes,
        system_native_classes,
        timer_native_classes,
        channel_native_classes,
    };
    return groups;
}

Span<ContinuationGroup const> builtin_continuation_groups()
{
    static constexpr ContinuationGroup groups[] = {
        collection_continuations,
        system_continuations,
    };
    return groups;
}

ErrorOr<void> VirtualMachine::append_display(StringBuilder& builder, Value value)
{
    struct Printer {
        VirtualMachine& vm;
        StringBuilder& builder;
        ErrorOr<void> print(Value value, u32 depth, bool quote_strings)
        {
            if (value.is_nil())
                return builder.try_append("nil"sv);
            if (value.is_integer())
                return builder.try_appendff("{}", value.as_integer());
            if (value == vm.true_value())
                return builder.try_append("true"sv);
            if (value == vm.false_value())
                return builder.try_append("false"sv);
            auto* object = value.as_object();
            switch (object->kind) {
            case ObjectKind::Float:
                return format_double(builder, float_of(value));
            case ObjectKind::String:
                if (quote_strings) {
                    TRY(builder.try_append('"'));
                    TRY(builder.try_append(text_of(value)));
                    return builder.try_append('"');
                }
                return builder.try_append(text_of(value));
            case ObjectKind::Symbol:
                return builder.try_append(text_of(value));
            case ObjectKind::Class:
                return builder.try_append(text_of(object->slots()[ClassSlot::name]));
            case ObjectKind::Closure:
                return builder.try_append("<closure>"sv);
            case ObjectKind::Thread:
                return builder.try_appendff(
                    "<thread {}>", object->slots()[ThreadSlot::identifier].as_integer());
            case ObjectKind::Array: {
                if (depth > 16)
                    return builder.try_append("[...]"sv);
                TRY(builder.try_append('['));
                for (u32 i = 0; i < array_length(value); ++i) {
                    if (i > 0)
                        TRY(builder.try_append(", "sv));
                    TRY(print(array_elements(value)[i], depth + 1, true));
                }
                return builder.try_append(']');
            }
            case ObjectKind::Map: {
                if (depth > 16)
                    return builder.try_append("{...}"sv);
                TRY(builder.try_append('{'));
                bool first = true;
                ErrorOr<void> result {};
                map_for_each(value, [&](Value key, Value element) {
                    if (!first && builder.try_append(", "sv).is_error())
                        return false;
                    first = false;
                    result = print(key, depth + 1, true);
                    if (result.is_error() || builder.try_append(": "sv).is_error())
                        return false;
                    result = print(element, depth + 1, true);
                    return !result.is_error();
                });
                TRY(result);
                return builder.try_append('}');
            }
            case ObjectKind::Instance:
                if (vm.is_instance_of(value, vm.builtin_class(BuiltinClass::Exception))) {
                    TRY(builder.try_append(vm.class_name_of(value)));
                    Value message = object->slots()[ExceptionSlot::message];
                    if (is_kind(message, ObjectKind::String) && !text_of(message).is_empty())
                        TRY(builder.try_appendff(": {}", text_of(message)));
                    return {};
                }
                return builder.try_appendff("<{}>", vm.class_name_of(value));
            default:
                return builder.try_appendff("<{}>", vm.class_name_of(value));
            }
        }
    };
    Printer printer {*this, builder};
    return printer.print(value, 0, false);
}

} // namespace VM
