/*
 * vm/InterpreterSupport.cpp: instruction bodies the interpreter calls out of line because they
 * allocate (and so are slow anyway): array and map literals and closure creation. Their
 * inputs stay on the thread's stack while they allocate, so the collector sees them.
 */
#include <vm/Collections.h>
#include <vm/InterpreterMacros.h>

namespace VM {

int equality(VirtualMachine& vm, Value left, Value right)
{
    Value float_class = vm.builtin_class(BuiltinClass::Float);
    auto is_float = [&](Value value) { return value.is_object() && value.as_object()->klass == float_class; };
    if (left == right)
        return !(is_float(left) && float_of(left) != float_of(left));
    if (left.is_integer() && right.is_integer())
        return 0;
    bool left_number = left.is_integer() || is_float(left);
    bool right_number = right.is_integer() || is_float(right);
    if (left_number && right_number) {
        double a = left.is_integer() ? static_cast<double>(left.as_integer()) : float_of(left);
        double b = right.is_integer() ? static_cast<double>(right.as_integer()) : float_of(right);
        return a == b;
    }
    if (is_kind(left, ObjectKind::String) && is_kind(right, ObjectKind::String))
        return text_of(left) == text_of(right);
    if (is_kind(left, ObjectKind::Instance)
        && left.as_object()->klass != vm.builtin_class(BuiltinClass::Bool)) {
        Value user = vm.lookup_method(left.as_object()->klass, vm.selectors().equal);
        if (!user.is_nil() && method_header(user.as_object()).native_index < 0)
            return -1;
    }
    return 0;
}

ErrorOr<Value> field_type_error(VirtualMachine& vm, Value object, u32 slot, Value value)
{
    if (value.is_nil())
        return Value::nil();
    Value klass = object.as_object()->klass;
    Value type_name = klass.as_object()->slots()[ClassSlot::field_types].as_object()->slots()[slot];
    Value type = vm.global(type_name);
    if (is_kind(type, ObjectKind::Class) && vm.is_instance_of(value, type))
        return Value::nil();
    Value field = klass.as_object()->slots()[ClassSlot::fields].as_object()->slots()[slot];
    StringBuilder message;
    TRY(message.try_appendff(
        "field {} is declared {}, got {}", text_of(field), text_of(type_name), vm.class_name_of(value)));
    return vm.make_exception(BuiltinClass::TypeError, message.string_view());
}

ErrorOr<Value> array_from_stack(VirtualMachine& vm, Value* elements, u32 count)
{
    auto array = TRY(vm.make_array(count));
    auto* storage = array.as_object()->slots()[ArraySlot::storage].as_object();
    for (u32 i = 0; i < count; ++i)
        vm.heap().write(storage, i, elements[i]);
    array.as_object()->slots()[ArraySlot::length] = Value::integer(count);
    return array;
}

ErrorOr<Value> map_from_stack(VirtualMachine& vm, Value* pairs, u32 count)
{
    auto map = TRY(vm.make_map());
    Handle keep(vm.heap(), map);
    for (u32 i = 0; i < count; ++i)
        TRY(map_set(vm, keep.value(), pairs[2 * i], pairs[2 * i + 1]));
    return keep.value();
}

ErrorOr<void> push_closure(VirtualMachine& vm, Value function, Value* locals, Value* frame, Value* top)
{
    auto& heap = vm.heap();
    u32 capture_count = method_header(function.as_object()).capture_count;
    auto* closure = TRY(heap.allocate(vm.builtin_class(BuiltinClass::Closure), ObjectKind::Closure,
        ClosureSlot::first_capture + capture_count, 0));
    heap.write(closure, ClosureSlot::function, function);
    heap.write(closure, ClosureSlot::receiver, locals[0]);
    // On the stack from here on, so making boxes below cannot lose it.
    *top = closure->as_value();
    for (u32 i = 0; i < capture_count; ++i) {
        auto const& capture = method_captures(function.as_object())[i];
        Value box;
        if (capture.source == static_cast<u16>(CaptureSource::Local)) {
            box = locals[capture.index];
            if (!is_kind(box, ObjectKind::Box)) {
                box = TRY(vm.make_box(box));
                locals[capture.index] = box;
            }
        } else {
            box = frame[FrameSlot::closure].as_object()->slots()[ClosureSlot::first_capture + capture.index];
        }
        heap.write(top->as_object(), ClosureSlot::first_capture + i, box);
    }
    return {};
}

} // namespace VM
