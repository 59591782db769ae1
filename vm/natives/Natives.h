/*
 * vm/natives/Natives.h: the internal classes' native method tables and the helpers they share.
 * Each file in vm/natives declares its classes' tables once (NativeMethod arrays); the VM binds
 * them by name when it is created and again when it re-attaches to a heap image, always in
 * the order builtin_native_classes() lists them, so the native table is rebuilt the same way.
 */
#pragma once

#include <base/Optional.h>
#include <base/String.h>
#include <vm/VirtualMachine.h>

namespace VM {

using NativeClassGroup = Span<NativeClass const> (*)();
using ContinuationGroup = Span<NativeContinuation const> (*)();
[[nodiscard]] Span<NativeClassGroup const> builtin_native_class_groups();
// Every continuation a built-in native may pass to prepare_invoke, in a fixed order.
[[nodiscard]] Span<ContinuationGroup const> builtin_continuation_groups();

// Per-file tables (vm/natives/*.cpp).
[[nodiscard]] Span<NativeClass const> core_native_classes();
[[nodiscard]] Span<NativeClass const> string_native_classes();
[[nodiscard]] Span<NativeClass const> collection_native_classes();
[[nodiscard]] Span<NativeClass const> thread_native_classes();
[[nodiscard]] Span<NativeClass const> system_native_classes();
[[nodiscard]] Span<NativeContinuation const> collection_continuations();
[[nodiscard]] Span<NativeContinuation const> system_continuations();

// Shortest text that reads back as the same double (Python repr layout: 0.1, 1.0, 1e+16).
ErrorOr<void> format_double(StringBuilder&, double);
// Fixed-point text with `fraction_digits` digits after the point, rounded half up.
ErrorOr<void> format_fixed(StringBuilder&, double, u32 fraction_digits);
// Decimal text (optional sign, digits, fraction, exponent, inf, nan) to a double.
[[nodiscard]] Optional<double> parse_double(StringView);

// Argument helpers for natives.
[[nodiscard]] inline bool is_string(Value value) { return is_kind(value, ObjectKind::String); }
[[nodiscard]] inline bool is_number(VirtualMachine& vm, Value value)
{
    return value.is_integer()
        || (value.is_object() && value.as_object()->klass == vm.builtin_class(BuiltinClass::Float));
}
[[nodiscard]] inline double number_of(Value value)
{
    return value.is_integer() ? static_cast<double>(value.as_integer()) : float_of(value);
}
[[nodiscard]] inline NativeResult returning(Value value) { return {NativeOutcome::Return, value}; }
// A NativeResult from an ErrorOr<Value> (allocation failure becomes a fatal VM error).
[[nodiscard]] inline NativeResult returning(ErrorOr<Value> value)
{
    if (value.is_error())
        return {NativeOutcome::Throw, Value::nil()};
    return {NativeOutcome::Return, value.value()};
}
// Makes a String from a builder's text.
[[nodiscard]] inline NativeResult returning_text(VirtualMachine& vm, StringBuilder const& builder)
{
    return returning(vm.make_string(builder.string_view()));
}

} // namespace VM
