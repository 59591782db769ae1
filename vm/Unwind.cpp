/*
 * vm/Unwind.cpp: exceptions and frames outside the interpreter loop. Throwing searches the
 * handler tables of the frames from the innermost out before changing anything, so an
 * uncaught exception still has every frame for its stack trace; Exception instances get
 * their trace text when first thrown. Also: pushing frames for natives that call back into
 * Phantom (prepare_invoke). Blocking and waking threads are in vm/Scheduler.cpp.
 */
#include <vm/Collections.h>
#include <vm/VirtualMachine.h>

namespace VM {

static LineRecord line_for(ObjectHeader* method, u32 pc)
{
    LineRecord found {0, 0, 0};
    auto const& header = method_header(method);
    for (u32 i = 0; i < header.line_count; ++i) {
        auto const& record = method_lines(method)[i];
        if (record.offset > pc)
            break;
        found = record;
    }
    return found;
}

ErrorOr<String> VirtualMachine::trace_from(Value* frame, u32 pc)
{
    StringBuilder builder;
    Value* base = m_registers.stack_base;
    u32 depth = 0;
    while (frame) {
        auto* method = frame[FrameSlot::method].as_object();
        Value owner = method->slots()[MethodSlot::owner];
        Value file = owner.as_object()->slots()[ClassSlot::source_file];
        auto line = line_for(method, pc);
        // Very deep recursion: keep the first and last frames, which are the informative ones.
        if (depth < 64) {
            TRY(builder.try_appendff("  at {}.{} ({}:{})\n",
                text_of(owner.as_object()->slots()[ClassSlot::name]),
                text_of(method->slots()[MethodSlot::name]), file.is_nil() ? "<unknown>"sv : text_of(file),
                line.line));
        } else if (depth == 64) {
            TRY(builder.try_append("  ...\n"sv));
        }
        ++depth;
        i64 caller = frame[FrameSlot::caller_frame].as_integer();
        if (caller < 0)
            break;
        pc = static_cast<u32>(frame[FrameSlot::caller_pc].as_integer()) - 1;
        frame = base + caller;
    }
    return builder.to_string();
}

static bool handler_matches(VirtualMachine& vm, ObjectHeader* method, u32 index, Value exception)
{
    Value name = method->slots()[MethodSlot::catch_classes].as_object()->slots()[index];
    if (name.is_nil())
        return true;
    Value klass = vm.global(name);
    return is_kind(klass, ObjectKind::Class) && vm.is_instance_of(exception, klass);
}

ErrorOr<bool> VirtualMachine::unwind(Value exception, Value*& frame, Value*& sp, u32& pc)
{
    Handle keep(m_heap, exception);
    if (is_instance_of(exception, builtin_class(BuiltinClass::Exception))
        && exception.as_object()->kind == ObjectKind::Instance
        && exception.as_object()->slots()[ExceptionSlot::trace].is_nil()) {
        auto trace = TRY(trace_from(frame, pc));
        auto text = TRY(make_string(trace));
        m_heap.write(keep.value().as_object(), ExceptionSlot::trace, text);
    }
    exception = keep.value();

    Value* base = m_registers.stack_base;
    Value* current = frame;
    u32 current_pc = pc;
    for (;;) {
        auto* method = current[FrameSlot::method].as_object();
        auto const& header = method_header(method);
        for (u32 i = 0; i < header.handler_count; ++i) {
            auto const& handler = method_handlers(method)[i];
            if (current_pc < handler.start || current_pc >= handler.end
                || !handler_matches(*this, method, i, exception))
                continue;
            frame = current;
            sp = current + FrameSlot::count + handler.stack_depth;
            *sp++ = exception;
            pc = handler.handler;
            return true;
        }
        i64 caller = current[FrameSlot::caller_frame].as_integer();
        if (caller < 0)
            break;
        current_pc = static_cast<u32>(current[FrameSlot::caller_pc].as_integer()) - 1;
        current = base + caller;
    }

    // Uncaught: report with the frames still intact, then the thread ends.
    Value thread = m_current_thread;
    StringBuilder report;
    TRY(report.try_appendff("Uncaught {}", class_name_of(exception)));
    if (is_instance_of(exception, builtin_class(BuiltinClass::Exception))
        && exception.as_object()->kind == ObjectKind::Instance) {
        Value message = exception.as_object()->slots()[ExceptionSlot::message];
        if (is_kind(message, ObjectKind::String))
            TRY(report.try_appendff(": {}", text_of(message)));
        TRY(report.try_append("\n"sv));
        Value trace = exception.as_object()->slots()[ExceptionSlot::trace];
        if (is_kind(trace, ObjectKind::String))
            TRY(report.try_append(text_of(trace)));
    } else {
        TRY(report.try_append(": "sv));
        TRY(append_display(report, exception));
        TRY(report.try_append("\n"sv));
        auto trace = TRY(trace_from(frame, pc));
        TRY(report.try_append(trace.view()));
    }
    Value name = thread.as_object()->slots()[ThreadSlot::name];
    if (is_kind(name, ObjectKind::String) && text_of(name) != "main"sv)
        TRY(report.try_appendff("  in thread {}\n", text_of(name)));
    m_host.write_error(report.string_view());
    return false;
}

ErrorOr<String> VirtualMachine::stack_trace(Value thread)
{
    auto* object = thread.as_object();
    if (object->slots()[ThreadSlot::stack].is_nil())
        return String();
    auto* stack = object->slots()[ThreadSlot::stack].as_object();
    auto saved = m_registers;
    m_registers.stack_base = stack->slots();
    auto* frame = stack->slots() + object->slots()[ThreadSlot::frame].as_integer();
    auto result = trace_from(frame, static_cast<u32>(object->slots()[ThreadSlot::pc].as_integer()));
    m_registers = saved;
    return result;
}

void VirtualMachine::report_uncaught(Value, Value exception)
{
    StringBuilder report;
    (void)report.try_appendff("Uncaught {}\n", class_name_of(exception));
    m_host.write_error(report.string_view());
}

ErrorOr<void> VirtualMachine::push_frame_at(
    Value* at, Value callee_method, Value closure, u32 argc, Value* caller_frame, u32 return_pc, i64 flags)
{
    auto* callee = callee_method.as_object();
    auto const& header = method_header(callee);
    Value* new_frame = at + header.local_count;
    if (new_frame + FrameSlot::count + header.max_stack >= m_registers.stack_end)
        return Error::with_message(ErrorCode::OutOfRange, "stack overflow"sv);
    for (Value* slot = at + argc + 1; slot < new_frame; ++slot)
        *slot = Value::nil();
    new_frame[FrameSlot::method] = callee_method;
    new_frame[FrameSlot::closure] = closure;
    new_frame[FrameSlot::caller_frame]
        = Value::integer(caller_frame ? caller_frame - m_registers.stack_base : -1);
    new_frame[FrameSlot::caller_pc] = Value::integer(return_pc);
    new_frame[FrameSlot::flags] = Value::integer(flags);
    m_registers.frame = new_frame;
    m_registers.sp = new_frame + FrameSlot::count;
    return {};
}

NativeResult VirtualMachine::prepare_invoke(
    Value callee, Value receiver, Span<Value const> arguments, NativeContinuation continuation)
{
    Value method = callee;
    Value closure = Value::nil();
    if (is_kind(callee, ObjectKind::Closure)) {
        closure = callee;
        method = callee.as_object()->slots()[ClosureSlot::function];
        receiver = callee.as_object()->slots()[ClosureSlot::receiver];
    }
    if (!is_kind(method, ObjectKind::Method))
        return throw_error(BuiltinClass::TypeError, "this value cannot be called"sv);
    auto const& header = method_header(method.as_object());
    if (header.native_index >= 0)
        return throw_error(BuiltinClass::TypeError, "a native method cannot be invoked from a native"sv);
    if (header.parameter_count != arguments.size())
        return throw_formatted(BuiltinClass::ArgumentError, "{} takes {} arguments, {} given",
            text_of(method.as_object()->slots()[MethodSlot::name]), header.parameter_count, arguments.size());
    i32 index = -1;
    for (usize i = 1; i < m_continuations.size(); ++i) {
        if (m_continuations[i] == continuation)
            index = static_cast<i32>(i);
    }
    VERIFY(index > 0);
    Value* at = m_registers.sp;
    if (at + arguments.size() + 1 >= m_registers.stack_end)
        return throw_error(BuiltinClass::StackOverflow, "stack overflow"sv);
    at[0] = receiver;
    for (usize i = 0; i < arguments.size(); ++i)
        at[1 + i] = arguments[i];
    i64 flags = FrameFlags::continuation | (static_cast<i64>(index) << 8)
        | (static_cast<i64>(m_registers.native_argc) << 32);
    auto pushed = push_frame_at(at, method, closure, static_cast<u32>(arguments.size()), m_registers.frame,
        m_registers.return_pc, flags);
    if (pushed.is_error())
        return throw_error(BuiltinClass::StackOverflow, "stack overflow"sv);
    return {NativeOutcome::Invoke, Value::nil()};
}

} // namespace VM
