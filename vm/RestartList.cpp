/*
 * vm/RestartList.cpp: the restart state in the heap (RestartList.h): the restart list and its
 * re-attachment, the "resumed after Δt" subscribers, and the Restarted exception.
 */
#include <vm/Collections.h>
#include <vm/RestartList.h>
#include <vm/natives/Natives.h>

namespace VM {

Value restart_state(VirtualMachine& vm)
{
    Value state = vm.heap().root(restart_state_root);
    if (!is_kind(state, ObjectKind::Raw) || state.as_object()->slot_count != RestartStateSlot::count)
        return Value::nil();
    return state;
}

ErrorOr<Value> ensure_restart_state(VirtualMachine& vm)
{
    Value existing = restart_state(vm);
    if (!existing.is_nil())
        return existing;
    auto& heap = vm.heap();
    auto* state = TRY(
        heap.allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, RestartStateSlot::count, 0));
    Handle keep(heap, state->as_value());
    for (u32 slot : {RestartStateSlot::list, RestartStateSlot::timers, RestartStateSlot::subscribers}) {
        auto array = TRY(vm.make_array(4));
        heap.write(keep.object(), slot, array);
    }
    keep.object()->slots()[RestartStateSlot::resumes] = Value::integer(0);
    keep.object()->slots()[RestartStateSlot::last_downtime] = Value::integer(0);
    heap.set_root(restart_state_root, keep.value());
    return keep.value();
}

Value restart_state_array(VirtualMachine& vm, u32 slot)
{
    Value state = restart_state(vm);
    if (state.is_nil())
        return Value::nil();
    Value array = state.as_object()->slots()[slot];
    return is_kind(array, ObjectKind::Array) ? array : Value::nil();
}

// Drops the entries whose object died (their Weak slot was cleared by the collector).
static void prune(VirtualMachine& vm, Value list)
{
    u32 kept = 0;
    u32 length = array_length(list);
    for (u32 i = 0; i < length; ++i) {
        Value weak = array_elements(list)[i];
        if (!is_kind(weak, ObjectKind::Weak) || weak.as_object()->slots()[0].is_nil())
            continue;
        if (kept != i)
            array_set(vm, list, kept, weak);
        ++kept;
    }
    for (u32 i = kept; i < length; ++i)
        array_set(vm, list, i, Value::nil());
    array_set_length(vm, list, kept);
}

ErrorOr<void> restart_list_add(VirtualMachine& vm, Value object)
{
    Handle keep(vm.heap(), object);
    TRY(ensure_restart_state(vm));
    prune(vm, restart_state_array(vm, RestartStateSlot::list));
    auto* weak = TRY(vm.heap().allocate(vm.builtin_class(BuiltinClass::Weak), ObjectKind::Weak, 1, 0));
    vm.heap().write(weak, 0, keep.value());
    return array_push(vm, restart_state_array(vm, RestartStateSlot::list), weak->as_value());
}

u32 restart_list_length(VirtualMachine& vm)
{
    Value list = restart_state_array(vm, RestartStateSlot::list);
    if (list.is_nil())
        return 0;
    u32 live = 0;
    for (u32 i = 0; i < array_length(list); ++i) {
        Value weak = array_elements(list)[i];
        if (is_kind(weak, ObjectKind::Weak) && !weak.as_object()->slots()[0].is_nil())
            ++live;
    }
    return live;
}

NativeClass const* native_class_for(Value klass, Span<NativeClass const> extra_classes)
{
    for (Value current = klass; is_kind(current, ObjectKind::Class);
         current = current.as_object()->slots()[ClassSlot::superclass]) {
        StringView name = text_of(current.as_object()->slots()[ClassSlot::name]);
        for (auto group : builtin_native_class_groups()) {
            for (auto const& native_class : group()) {
                if (native_class.name == name)
                    return &native_class;
            }
        }
        for (auto const& native_class : extra_classes) {
            if (native_class.name == name)
                return &native_class;
        }
    }
    return nullptr;
}

ErrorOr<ReattachReport> reattach_restart_list(
    VirtualMachine& vm, Span<NativeClass const> extra_classes, ResumeClock const& clock)
{
    ReattachReport report;
    Value list = restart_state_array(vm, RestartStateSlot::list);
    if (list.is_nil())
        return report;
    prune(vm, list);
    Handle keep_list(vm.heap(), list);
    // Hooks may allocate but never register new objects, so the list keeps its length here.
    for (u32 i = 0; i < array_length(keep_list.value()); ++i) {
        Value weak = array_elements(keep_list.value())[i];
        Handle keep(vm.heap(), weak.as_object()->slots()[0]);
        if (keep.value().is_nil())
            continue;
        auto const* native_class = native_class_for(vm.class_of(keep.value()), extra_classes);
        if (!native_class || !native_class->reattach) {
            StringBuilder message;
            TRY(message.try_appendff(
                "restart: a {} on the restart list has no re-attach hook\n", vm.class_name_of(keep.value())));
            vm.host().write_error(message.string_view());
            ++report.failed;
            continue;
        }
        if (auto reattached = native_class->reattach(vm, keep.value(), clock); reattached.is_error()) {
            if (reattached.error().code() == ErrorCode::OutOfMemory)
                return reattached.release_error();
            StringBuilder message;
            TRY(message.try_appendff("restart: a {} could not be re-attached: {}\n",
                vm.class_name_of(keep.value()), reattached.error().message()));
            vm.host().write_error(message.string_view());
            ++report.failed;
            continue;
        }
        ++report.reattached;
    }
    return report;
}

ErrorOr<void> add_resume_subscriber(VirtualMachine& vm, Value closure)
{
    Handle keep(vm.heap(), closure);
    TRY(ensure_restart_state(vm));
    return array_push(vm, restart_state_array(vm, RestartStateSlot::subscribers), keep.value());
}

bool remove_resume_subscriber(VirtualMachine& vm, Value closure)
{
    Value subscribers = restart_state_array(vm, RestartStateSlot::subscribers);
    if (subscribers.is_nil())
        return false;
    u32 length = array_length(subscribers);
    for (u32 i = 0; i < length; ++i) {
        if (array_elements(subscribers)[i] != closure)
            continue;
        for (u32 j = i + 1; j < length; ++j)
            array_set(vm, subscribers, j - 1, array_elements(subscribers)[j]);
        array_set(vm, subscribers, length - 1, Value::nil());
        array_set_length(vm, subscribers, length - 1);
        return true;
    }
    return false;
}

ErrorOr<u32> notify_resumed(VirtualMachine& vm, u64 downtime_ms)
{
    auto state = TRY(ensure_restart_state(vm));
    auto* slots = state.as_object()->slots();
    slots[RestartStateSlot::resumes] = Value::integer(slots[RestartStateSlot::resumes].as_integer() + 1);
    auto clamped = static_cast<i64>(min(downtime_ms, static_cast<u64>(1) << 60));
    slots[RestartStateSlot::last_downtime] = Value::integer(clamped);
    Handle keep_subscribers(vm.heap(), restart_state_array(vm, RestartStateSlot::subscribers));
    Value argument = Value::integer(clamped);
    u32 started = 0;
    // Subscribers added by the threads started here are not called this time.
    u32 count = array_length(keep_subscribers.value());
    for (u32 i = 0; i < count && i < array_length(keep_subscribers.value()); ++i) {
        Value closure = array_elements(keep_subscribers.value())[i];
        if (!is_kind(closure, ObjectKind::Closure))
            continue;
        auto thread = vm.spawn_closure(closure, Span<Value const>(&argument, 1));
        if (thread.is_error()) {
            if (thread.error().code() == ErrorCode::OutOfMemory)
                return thread.release_error();
            // A subscriber whose class was reloaded with another signature: say so, go on.
            StringBuilder message;
            TRY(message.try_appendff(
                "restart: a System.onResumed subscriber cannot run: {}\n", thread.error().message()));
            vm.host().write_error(message.string_view());
            continue;
        }
        Handle keep_thread(vm.heap(), thread.value());
        auto name = TRY(vm.make_string("onResumed"sv));
        vm.heap().write(keep_thread.object(), ThreadSlot::name, name);
        ++started;
    }
    return started;
}

ErrorOr<Value> make_restarted(VirtualMachine& vm, StringView message)
{
    Value klass = vm.find_class("Restarted"sv);
    if (klass.is_nil())
        return vm.make_exception(BuiltinClass::Error, message);
    auto text = TRY(vm.make_string(message));
    Handle keep_text(vm.heap(), text);
    auto exception = TRY(vm.make_instance(klass));
    vm.heap().write(exception.as_object(), ExceptionSlot::message, keep_text.value());
    return exception;
}

} // namespace VM
