/*
 * vm/natives/SystemNatives.cpp: Console (print and println through the VM's Host; an object
 * whose class defines toString in Phantom is printed through it), Time, Exception (the root of
 * everything the VM throws: a message and the stack trace recorded when first thrown), and
 * System (exit, and the "resumed after Δt" event: onResumed, offResumed, resumeCount,
 * lastDowntime).
 */
#include <vm/Collections.h>
#include <vm/RestartList.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    NativeResult out_of_memory() { return {NativeOutcome::Throw, Value::nil()}; }

    // The Phantom toString of an instance, or nil when only the built-in one applies.
    Value user_to_string(VirtualMachine& vm, Value value)
    {
        if (!is_kind(value, ObjectKind::Instance))
            return Value::nil();
        Value method = vm.lookup_method(vm.class_of(value), vm.selectors().to_string);
        if (method.is_nil() || method_header(method.as_object()).native_index >= 0)
            return Value::nil();
        return method;
    }

    NativeResult write(VirtualMachine& vm, Value value, bool newline)
    {
        StringBuilder builder;
        if (vm.append_display(builder, value).is_error() || (newline && builder.try_append('\n').is_error()))
            return out_of_memory();
        vm.host().write_output(builder.string_view());
        return returning(Value::nil());
    }

    NativeResult print_continue(VirtualMachine& vm, Value*, u32, Value result)
    {
        return write(vm, result, false);
    }
    NativeResult println_continue(VirtualMachine& vm, Value*, u32, Value result)
    {
        return write(vm, result, true);
    }

    NativeResult console_print(VirtualMachine& vm, Value* arguments, u32 count, bool newline)
    {
        if (count == 0) {
            if (newline)
                vm.host().write_output("\n"sv);
            return returning(Value::nil());
        }
        if (count != 1)
            return vm.throw_error(BuiltinClass::ArgumentError, "print takes one value"sv);
        Value method = user_to_string(vm, arguments[1]);
        if (!method.is_nil())
            return vm.prepare_invoke(method, arguments[1], {}, newline ? println_continue : print_continue);
        return write(vm, arguments[1], newline);
    }

    constexpr NativeMethod console_methods[] = {
        {"print"sv, NativeKind::Static, -1,
            [](VirtualMachine& vm, Value* arguments, u32 count) {
                return console_print(vm, arguments, count, false);
            }},
        {"println"sv, NativeKind::Static, -1,
            [](VirtualMachine& vm, Value* arguments, u32 count) {
                return console_print(vm, arguments, count, true);
            }},
    };

    constexpr NativeMethod time_methods[] = {
        // Milliseconds since 1970 (wall clock).
        {"now"sv, NativeKind::Static, 0,
            [](VirtualMachine& vm, Value*, u32) {
                return returning(
                    Value::integer(static_cast<i64>(vm.host().wall_clock_nanoseconds() / 1000000)));
            }},
        // Nanoseconds of a clock that never goes back (for measuring).
        {"monotonic"sv, NativeKind::Static, 0,
            [](VirtualMachine& vm, Value*, u32) {
                return returning(Value::integer(static_cast<i64>(vm.host().monotonic_nanoseconds())));
            }},
        {"millis"sv, NativeKind::Static, 0,
            [](VirtualMachine& vm, Value*, u32) {
                return returning(
                    Value::integer(static_cast<i64>(vm.host().monotonic_nanoseconds() / 1000000)));
            }},
    };

    // Exception

    NativeResult exception_init(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count > 1)
            return vm.throw_error(BuiltinClass::ArgumentError, "an exception takes an optional message"sv);
        Value message = count == 1 ? arguments[1] : Value::nil();
        if (!message.is_nil() && !is_string(message)) {
            StringBuilder builder;
            if (vm.append_display(builder, message).is_error())
                return out_of_memory();
            auto text = vm.make_string(builder.string_view());
            if (text.is_error())
                return out_of_memory();
            message = text.value();
        }
        vm.heap().write(arguments[0].as_object(), ExceptionSlot::message, message);
        return returning(Value::nil());
    }

    NativeResult exception_message(VirtualMachine& vm, Value* arguments, u32)
    {
        Value message = arguments[0].as_object()->slots()[ExceptionSlot::message];
        return message.is_nil() ? returning(vm.make_string(""sv)) : returning(message);
    }

    NativeResult exception_trace(VirtualMachine& vm, Value* arguments, u32)
    {
        Value trace = arguments[0].as_object()->slots()[ExceptionSlot::trace];
        return trace.is_nil() ? returning(vm.make_string(""sv)) : returning(trace);
    }

    NativeResult exception_to_string(VirtualMachine& vm, Value* arguments, u32)
    {
        StringBuilder builder;
        if (vm.append_display(builder, arguments[0]).is_error())
            return out_of_memory();
        return returning_text(vm, builder);
    }

    constexpr StringView exception_fields[] = {"message"sv, "stackTrace"sv};

    constexpr NativeMethod exception_methods[] = {
        {"init"sv, NativeKind::Constructor, -1, exception_init},
        {"message"sv, NativeKind::Instance, 0, exception_message},
        {"stackTrace"sv, NativeKind::Instance, 0, exception_trace},
        {"toString"sv, NativeKind::Instance, 0, exception_to_string},
    };

    NativeResult system_exit(VirtualMachine& vm, Value* arguments, u32 count)
    {
        if (count > 1 || (count == 1 && !arguments[1].is_integer()))
            return vm.throw_error(BuiltinClass::ArgumentError, "exit takes an optional integer status"sv);
        vm.request_exit(count == 1 ? static_cast<int>(arguments[1].as_integer()) : 0);
        // The thread stops here; the scheduler sees the exit request and returns.
        return vm.block_current_thread(ThreadState::Runnable, Value::nil(), 0);
    }

    // System.onResumed(closure): after every restart of the world, `closure` runs on a thread of
    // its own with the time the world was away, in milliseconds (vm/RestartList.h).
    NativeResult system_on_resumed(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_kind(arguments[1], ObjectKind::Closure)
            || method_header(arguments[1].as_object()->slots()[ClosureSlot::function].as_object())
                    .parameter_count
                != 1)
            return vm.throw_error(BuiltinClass::TypeError,
                "System.onResumed expects a closure taking the downtime in milliseconds"sv);
        if (add_resume_subscriber(vm, arguments[1]).is_error())
            return out_of_memory();
        return returning(arguments[1]);
    }

    NativeResult system_off_resumed(VirtualMachine& vm, Value* arguments, u32)
    {
        return returning(vm.boolean(remove_resume_subscriber(vm, arguments[1])));
    }

    // How many times this world was resumed, and how long it was away the last time (ms).
    NativeResult system_resume_count(VirtualMachine& vm, Value*, u32)
    {
        Value state = restart_state(vm);
        return returning(
            state.is_nil() ? Value::integer(0) : state.as_object()->slots()[RestartStateSlot::resumes]);
    }
    NativeResult system_last_downtime(VirtualMachine& vm, Value*, u32)
    {
        Value state = restart_state(vm);
        return returning(
            state.is_nil() ? Value::integer(0) : state.as_object()->slots()[RestartStateSlot::last_downtime]);
    }

    constexpr NativeMethod system_methods[] = {
        {"exit"sv, NativeKind::Static, -1, system_exit},
        {"onResumed"sv, NativeKind::Static, 1, system_on_resumed},
        {"offResumed"sv, NativeKind::Static, 1, system_off_resumed},
        {"resumeCount"sv, NativeKind::Static, 0, system_resume_count},
        {"lastDowntime"sv, NativeKind::Static, 0, system_last_downtime},
    };

    constexpr NativeClass system_classes[] = {
        {"System"sv, ""sv, {}, system_methods},
        {"Console"sv, ""sv, {}, console_methods},
        {"Time"sv, ""sv, {}, time_methods},
        {"Exception"sv, ""sv, exception_fields, exception_methods},
    };

    constexpr NativeContinuation continuations[] = {
        print_continue,
        println_continue,
    };

} // namespace

Span<NativeClass const> system_native_classes() { return system_classes; }
Span<NativeContinuation const> system_continuations() { return continuations; }

} // namespace VM
