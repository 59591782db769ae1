/*
 * vm/Scheduler.cpp: VM threads and the green-thread scheduler. Threads are heap objects (a
 * Thread with its Stack); the scheduler runs them one at a time on the calling host thread,
 * switching at safepoints when a time slice ends and when a thread blocks on a mutex, a
 * condition, a join or a sleep. When every thread sleeps, the host sleeps until the first
 * wake-up; when the remaining threads all wait on each other, they fail with Deadlock.
 */
#include <vm/Collections.h>
#include <vm/VirtualMachine.h>

namespace VM {

static ThreadState state_of(Value thread)
{
    return static_cast<ThreadState>(thread.as_object()->slots()[ThreadSlot::state].as_integer());
}

ErrorOr<Value> VirtualMachine::new_thread(u32 stack_slots)
{
    auto* thread
        = TRY(m_heap.allocate(builtin_class(BuiltinClass::Thread), ObjectKind::Thread, ThreadSlot::count, 0));
    Handle keep(m_heap, thread->as_value());
    auto* stack = TRY(m_heap.allocate(builtin_class(BuiltinClass::Stack), ObjectKind::Stack, stack_slots, 0));
    thread = keep.value().as_object();
    m_heap.write(thread, ThreadSlot::stack, stack->as_value());
    thread->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(ThreadState::Runnable));
    thread->slots()[ThreadSlot::frame] = Value::integer(0);
    thread->slots()[ThreadSlot::top] = Value::integer(0);
    thread->slots()[ThreadSlot::pc] = Value::integer(0);
    auto* root_object = root();
    i64 identifier = root_object->slots()[RootSlot::next_thread_identifier].as_integer();
    root_object->slots()[RootSlot::next_thread_identifier] = Value::integer(identifier + 1);
    thread->slots()[ThreadSlot::identifier] = Value::integer(identifier);
    TRY(array_push(*this, root_object->slots()[RootSlot::threads], keep.value()));
    return keep.value();
}

ErrorOr<void> VirtualMachine::push_entry_frame(
    Value thread, Value method, Value receiver, Value closure, Span<Value const> arguments)
{
    auto* object = thread.as_object();
    auto* stack = object->slots()[ThreadSlot::stack].as_object();
    auto saved = m_registers;
    m_registers.stack_base = stack->slots();
    m_registers.stack_end = stack->slots() + stack->slot_count;
    Value* at = stack->slots();
    at[0] = receiver;
    for (usize i = 0; i < arguments.size(); ++i)
        at[1 + i] = arguments[i];
    auto result = push_frame_at(
        at, method, closure, static_cast<u32>(arguments.size()), nullptr, 0, FrameFlags::none);
    if (!result.is_error()) {
        object->slots()[ThreadSlot::frame] = Value::integer(m_registers.frame - m_registers.stack_base);
        object->slots()[ThreadSlot::base_frame] = object->slots()[ThreadSlot::frame];
        object->slots()[ThreadSlot::top] = Value::integer(m_registers.sp - m_registers.stack_base);
        object->slots()[ThreadSlot::pc] = Value::integer(0);
    }
    m_registers = saved;
    return result;
}

ErrorOr<Value> VirtualMachine::spawn_closure(Value closure)
{
    Handle keep_closure(m_heap, closure);
    Value function = closure.as_object()->slots()[ClosureSlot::function];
    if (method_header(function.as_object()).parameter_count != 0)
        return Error::with_message(
            ErrorCode::InvalidArgument, "a thread runs a closure without parameters"sv);
    auto thread = TRY(new_thread(m_options.thread_stack_slots));
    Handle keep_thread(m_heap, thread);
    StringBuilder thread_name;
    TRY(thread_name.try_appendff(
        "thread {}", keep_thread.value().as_object()->slots()[ThreadSlot::identifier].as_integer()));
    auto name = TRY(make_string(thread_name.string_view()));
    m_heap.write(keep_thread.value().as_object(), ThreadSlot::name, name);
    closure = keep_closure.value();
    TRY(push_entry_frame(keep_thread.value(), closure.as_object()->slots()[ClosureSlot::function],
        closure.as_object()->slots()[ClosureSlot::receiver], closure, {}));
    return keep_thread.value();
}

ErrorOr<Value> VirtualMachine::spawn_static(StringView class_name, StringView method_name)
{
    Value klass = find_class(class_name);
    if (klass.is_nil())
        return Error::with_message(ErrorCode::NotFound, "the class to run does not exist"sv);
    Handle keep_class(m_heap, klass);
    auto selector = TRY(intern(method_name));
    Value method = lookup_static_method(keep_class.value(), selector);
    if (method.is_nil())
        return Error::with_message(ErrorCode::NotFound, "the class has no such static method"sv);
    Handle keep_method(m_heap, method);
    if (method_header(method.as_object()).native_index >= 0)
        return Error::with_message(ErrorCode::Unsupported, "a thread cannot start in a native method"sv);
    u16 parameters = method_header(method.as_object()).parameter_count;
    if (parameters > 1)
        return Error::with_message(
            ErrorCode::InvalidArgument, "main takes no parameters or one (the argument array)"sv);
    // Threads the host starts are main threads (big stacks; reports do not name them).
    auto thread = TRY(new_thread(m_options.main_stack_slots));
    Handle keep_thread(m_heap, thread);
    auto name = TRY(make_string("main"sv));
    m_heap.write(keep_thread.value().as_object(), ThreadSlot::name, name);
    Value arguments[1];
    if (parameters == 1)
        arguments[0] = TRY(make_array(0));
    Handle keep_arguments(m_heap, arguments[0]);
    TRY(push_entry_frame(keep_thread.value(), keep_method.value(), keep_class.value(), Value::nil(),
        Span<Value const>(arguments, parameters)));
    return keep_thread.value();
}

ErrorOr<void> VirtualMachine::finish_thread(Value thread, ThreadState state, Value result)
{
    Handle keep_thread(m_heap, thread);
    Handle keep_result(m_heap, result);
    auto* object = thread.as_object();
    object->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(state));
    m_heap.write(object, ThreadSlot::result, result);
    // A finished thread keeps its result, not its (large) stack.
    m_heap.write(object, ThreadSlot::stack, Value::nil());
    // Joiners get the result (nil for a thread that failed; its exception is Thread.error()).
    Value threads_array = root()->slots()[RootSlot::threads];
    for (u32 i = 0; i < array_length(threads_array); ++i) {
        Value other = array_elements(threads_array)[i];
        if (state_of(other) == ThreadState::Joining
            && other.as_object()->slots()[ThreadSlot::waiting_on] == thread)
            wake_thread(other, state == ThreadState::Finished ? result : Value::nil());
    }
    // The finished thread leaves the scheduler's list; whoever holds it can still read it.
    u32 length = array_length(threads_array);
    Value* elements = array_elements(threads_array);
    for (u32 i = 0; i < length; ++i) {
        if (elements[i] != thread)
            continue;
        for (u32 j = i + 1; j < length; ++j)
            array_set(*this, threads_array, j - 1, elements[j]);
        array_set_length(*this, threads_array, length - 1);
        break;
    }
    if (m_current_thread == thread)
        m_current_thread = Value::nil();
    return {};
}

ErrorOr<Value> VirtualMachine::pick_runnable()
{
    Value threads_array = root()->slots()[RootSlot::threads];
    u32 length = array_length(threads_array);
    if (length == 0)
        return Value::nil();
    u64 now = 0;
    bool have_now = false;
    for (u32 step = 0; step < length; ++step) {
        u32 index = (m_scheduler_cursor + step) % length;
        Value thread = array_elements(threads_array)[index];
        auto state = state_of(thread);
        if (state == ThreadState::Sleeping) {
            if (!have_now) {
                now = m_host.monotonic_nanoseconds();
                have_now = true;
            }
            if (static_cast<u64>(thread.as_object()->slots()[ThreadSlot::wake_time].as_integer()) <= now) {
                wake_thread(thread, Value::nil());
                state = ThreadState::Runnable;
            }
        }
        if (state == ThreadState::Runnable) {
            m_scheduler_cursor = index + 1;
            return thread;
        }
    }
    return Value::nil();
}

ErrorOr<void> VirtualMachine::run()
{
    for (;;) {
        m_host.at_safepoint();
        if (safepoint_requested() || m_exit_requested)
            return {};
        auto thread = TRY(pick_runnable());
        if (!thread.is_nil()) {
            TRY(run_thread(thread));
            m_current_thread = Value::nil();
            continue;
        }
        Value threads_array = root()->slots()[RootSlot::threads];
        u32 length = array_length(threads_array);
        if (length == 0)
            return {};
        u64 earliest = ~static_cast<u64>(0);
        for (u32 i = 0; i < length; ++i) {
            Value other = array_elements(threads_array)[i];
            if (state_of(other) == ThreadState::Sleeping)
                earliest = min(earliest,
                    static_cast<u64>(other.as_object()->slots()[ThreadSlot::wake_time].as_integer()));
        }
        if (earliest != ~static_cast<u64>(0)) {
            m_host.sleep_until(earliest);
            continue;
        }
        // Every remaining thread waits for another: none can ever run again.
        m_host.write_error("Deadlock: every remaining thread is blocked\n"sv);
        while (array_length(root()->slots()[RootSlot::threads]) > 0) {
            Value victim = array_elements(root()->slots()[RootSlot::threads])[0];
            Handle keep(m_heap, victim);
            auto exception
                = TRY(make_exception(BuiltinClass::Deadlock, "every remaining thread is blocked"sv));
            TRY(finish_thread(keep.value(), ThreadState::Failed, exception));
        }
        return {};
    }
}

ErrorOr<int> VirtualMachine::run_main(StringView main_class)
{
    StringView name = main_class;
    Value stored = root()->slots()[RootSlot::main_class];
    if (name.is_empty() && is_kind(stored, ObjectKind::Symbol))
        name = text_of(stored);
    if (name.is_empty())
        return Error::with_message(ErrorCode::NotFound, "the program names no main class"sv);
    auto thread = TRY(spawn_static(name, "main"sv));
    Handle keep(m_heap, thread);
    TRY(run());
    if (m_exit_requested)
        return m_exit_status;
    auto* object = keep.value().as_object();
    auto state = state_of(keep.value());
    if (state == ThreadState::Finished) {
        Value result = object->slots()[ThreadSlot::result];
        return result.is_integer() ? static_cast<int>(result.as_integer()) : 0;
    }
    return 1;
}

ErrorOr<Value> VirtualMachine::call_static(StringView class_name, StringView method_name)
{
    auto thread = TRY(spawn_static(class_name, method_name));
    Handle keep(m_heap, thread);
    TRY(run());
    auto state = state_of(keep.value());
    if (state == ThreadState::Finished)
        return keep.value().as_object()->slots()[ThreadSlot::result];
    if (state == ThreadState::Failed)
        return Error::with_message(
            ErrorCode::Custom, "the Phantom code threw an exception that nothing caught"sv);
    return Error::with_message(ErrorCode::Busy, "the thread has not finished (a safepoint was requested)"sv);
}

} // namespace VM
