/*
 * vm/Restart.cpp: restart() (the steps are listed in Restart.h), the restart policies of
 * blocked native calls, and the thread listing used after re-attaching to a heap image.
 */
#include <vm/Collections.h>
#include <vm/Restart.h>
#include <vm/RestartList.h>
#include <vm/natives/Natives.h>

namespace VM {

StringView thread_state_name(ThreadState state)
{
    switch (state) {
    case ThreadState::Runnable:
        return "Runnable"sv;
    case ThreadState::Blocked:
        return "Blocked"sv;
    case ThreadState::Waiting:
        return "Waiting"sv;
    case ThreadState::Sleeping:
        return "Sleeping"sv;
    case ThreadState::Joining:
        return "Joining"sv;
    case ThreadState::Finished:
        return "Finished"sv;
    case ThreadState::Failed:
        return "Failed"sv;
    }
    return "Unknown"sv;
}

ErrorOr<Vector<ThreadInfo>> list_threads(VirtualMachine& vm)
{
    Vector<ThreadInfo> result;
    for (auto thread : vm.threads()) {
        if (!is_kind(thread, ObjectKind::Thread) || thread.as_object()->slot_count < ThreadSlot::count)
            return Error::with_message(
                ErrorCode::Corrupted, "The VM's thread list holds something that is not a thread."sv);
        auto const* slots = thread.as_object()->slots();
        ThreadInfo info;
        info.thread = thread;
        info.identifier
            = slots[ThreadSlot::identifier].is_integer() ? slots[ThreadSlot::identifier].as_integer() : -1;
        if (is_kind(slots[ThreadSlot::name], ObjectKind::String))
            info.name = TRY(String::from_view(text_of(slots[ThreadSlot::name])));
        i64 state = slots[ThreadSlot::state].is_integer() ? slots[ThreadSlot::state].as_integer() : -1;
        if (state < 0 || state > static_cast<i64>(ThreadState::Failed))
            return Error::with_message(
                ErrorCode::Corrupted, "A VM thread in the image has an unknown state."sv);
        info.state = static_cast<ThreadState>(state);
        // Walk the frame chain through the caller links (slot indices inside the Stack).
        Value stack = slots[ThreadSlot::stack];
        if (is_kind(stack, ObjectKind::Stack) && slots[ThreadSlot::frame].is_integer()) {
            auto const* stack_slots = stack.as_object()->slots();
            i64 frame = slots[ThreadSlot::frame].as_integer();
            u32 limit = stack.as_object()->slot_count;
            while (frame >= 0 && static_cast<u64>(frame) + FrameSlot::count <= limit
                && info.frame_depth < limit) {
                info.frame_depth++;
                Value caller = stack_slots[frame + FrameSlot::caller_frame];
                frame = caller.is_integer() ? caller.as_integer() : -1;
            }
        }
        TRY(result.try_append(move(info)));
    }
    return result;
}

RestartPolicy restart_policy_of(Value method, Span<NativeClass const> extra_classes)
{
    if (!is_kind(method, ObjectKind::Method))
        return RestartPolicy::Continue;
    auto* object = method.as_object();
    Value owner = object->slots()[MethodSlot::owner];
    Value name = object->slots()[MethodSlot::name];
    if (!is_kind(owner, ObjectKind::Class) || !is_kind(name, ObjectKind::Symbol))
        return RestartPolicy::Continue;
    StringView class_name = text_of(owner.as_object()->slots()[ClassSlot::name]);
    bool is_static = method_header(object).kind == static_cast<u8>(MethodKind::Static);
    auto policy_in = [&](NativeClass const& native_class) -> Optional<RestartPolicy> {
        if (native_class.name != class_name)
            return {};
        for (auto const& native : native_class.methods) {
            if (native.name == text_of(name) && (native.kind == NativeKind::Static) == is_static)
                return native.restart;
        }
        return {};
    };
    for (auto group : builtin_native_class_groups()) {
        for (auto const& native_class : group()) {
            if (auto policy = policy_in(native_class); policy.has_value())
                return policy.value();
        }
    }
    for (auto const& native_class : extra_classes) {
        if (auto policy = policy_in(native_class); policy.has_value())
            return policy.value();
    }
    return RestartPolicy::Continue;
}

// "Channel.wait" for the Restarted message.
static ErrorOr<void> append_method_name(StringBuilder& builder, Value method)
{
    if (!is_kind(method, ObjectKind::Method))
        return builder.try_append("a native call"sv);
    Value owner = method.as_object()->slots()[MethodSlot::owner];
    StringView class_name
        = is_kind(owner, ObjectKind::Class) ? text_of(owner.as_object()->slots()[ClassSlot::name]) : "?"sv;
    return builder.try_appendff("{}.{}", class_name, text_of(method.as_object()->slots()[MethodSlot::name]));
}

// Step 2: deadlines on the previous run's clock move onto this one's.
static u32 shift_deadlines(VirtualMachine& vm, ResumeClock const& clock)
{
    u32 shifted = 0;
    for (auto thread : vm.threads()) {
        auto state = static_cast<ThreadState>(thread.as_object()->slots()[ThreadSlot::state].as_integer());
        if (state == ThreadState::Runnable || state == ThreadState::Finished || state == ThreadState::Failed)
            continue;
        Value& wake = thread.as_object()->slots()[ThreadSlot::wake_time];
        if (!wake.is_integer())
            continue;
        wake = Value::integer(static_cast<i64>(clock.shift(static_cast<u64>(wake.as_integer()))));
        ++shifted;
    }
    return shifted;
}

// Step 4: each thread blocked inside a native follows the native's policy.
static ErrorOr<void> apply_restart_policies(
    VirtualMachine& vm, RestartOptions const& options, RestartReport& report)
{
    u32 index = 0;
    for (;;) {
        Value threads_array = vm.root()->slots()[VirtualMachine::RootSlot::threads];
        if (index >= array_length(threads_array))
            return {};
        Handle thread(vm.heap(), array_elements(threads_array)[index]);
        auto call = vm.blocked_call(thread.value());
        if (!call.has_value()) {
            ++index;
            continue;
        }
        switch (restart_policy_of(call->method, options.extra_classes)) {
        case RestartPolicy::Continue:
            ++report.continued_calls;
            ++index;
            continue;
        case RestartPolicy::Reexecute:
            TRY(vm.call_native_again(thread.value()));
            ++report.reexecuted_calls;
            break;
        case RestartPolicy::Fail: {
            StringBuilder message;
            TRY(append_method_name(message, call->method));
            TRY(message.try_appendff(
                " was interrupted by a restart (the world was away {} ms)", options.downtime_ms));
            auto exception = TRY(make_restarted(vm, message.string_view()));
            TRY(vm.throw_from_blocked_call(thread.value(), exception));
            ++report.failed_calls;
            break;
        }
        }
        // A thread the exception ended left the list: the next one is at the same index. A
        // native run again may block again; either way this thread is done with.
        threads_array = vm.root()->slots()[VirtualMachine::RootSlot::threads];
        if (index < array_length(threads_array) && array_elements(threads_array)[index] == thread.value())
            ++index;
    }
}

ErrorOr<RestartedVM> restart(void* base, usize size, Host& host, RestartOptions const& options)
{
    auto heap = TRY(Heap::attach(base, size, options.heap));
    if (options.check == ImageCheck::Full)
        TRY(heap->verify());
    auto vm = TRY(VirtualMachine::attach(*heap, host, options.vm, options.extra_classes));

    RestartReport report;
    ResumeClock clock;
    clock.now_ns = host.monotonic_nanoseconds();
    clock.previous_ns = options.previous_monotonic_ns.value_or(clock.now_ns);
    clock.downtime_ms = options.downtime_ms;
    if (options.previous_monotonic_ns.has_value())
        report.shifted_deadlines = shift_deadlines(*vm, clock);
    auto reattached = TRY(reattach_restart_list(*vm, options.extra_classes, clock));
    report.reattached_objects = reattached.reattached;
    report.failed_reattachments = reattached.failed;
    TRY(apply_restart_policies(*vm, options, report));
    report.resume_subscribers = TRY(notify_resumed(*vm, options.downtime_ms));

    auto threads = TRY(list_threads(*vm));
    return RestartedVM {move(heap), move(vm), move(threads), report};
}

} // namespace VM
