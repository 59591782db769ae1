/*
 * vm/Scheduler.cpp: VM threads and the green-thread scheduler. Threads are heap objects (a
 * Thread with its Stack); the scheduler runs them one at a time on the calling host thread,
 * switching at safepoints when a time slice ends and when a thread blocks on a mutex, a
 * condition, a join or a sleep. When every thread sleeps, the host sleeps until the first
 * wake-up; when the remaining threads all wait on each other, they fail with Deadlock.
 *
 * A blocked thread keeps its native call on its stack: the receiver and arguments, then the
 * call's record (the native's Method and a word with the argument count, the call's flags and
 * how it wakes up). Waking replaces all of it with the result; a native that polls a resource
 * (WakeUp::CallAgain) is called again instead; a restart (vm/Restart.cpp) may do either or
 * throw from the call. Between time slices the scheduler also fires due timers.
 */
#include <vm/Collections.h>
#include <vm/RestartList.h>
#include <vm/VirtualMachine.h>

namespace VM {

namespace {

    ThreadState state_of(Value thread)
    {
        return static_cast<ThreadState>(thread.as_object()->slots()[ThreadSlot::state].as_integer());
    }

    // The record word: a tag (so that an image saved before calls stayed on the stack is told
    // apart), how the thread wakes up, the call's FrameFlags and its argument count.
    constexpr i64 record_tag = 0x52;
    constexpr u64 default_poll_ns = 100 * 1000 * 1000;

    i64 record_word(u32 argument_count, i64 call_flags, WakeUp wake_up)
    {
        return (record_tag << 40) | (static_cast<i64>(wake_up) << 32) | ((call_flags & 0xff) << 16)
            | static_cast<i64>(argument_count & 0xffff);
    }

    struct Record {
        Value method;
        u32 argument_count;
        i64 call_flags;
        WakeUp wake_up;
        i64 call_arguments; // slot index of the receiver in the Stack
    };

    bool is_blocked(ThreadState state)
    {
        return state == ThreadState::Blocked || state == ThreadState::Waiting
            || state == ThreadState::Sleeping || state == ThreadState::Joining;
    }

    Optional<Record> record_of(Value thread)
    {
        auto* object = thread.as_object();
        Value stack = object->slots()[ThreadSlot::stack];
        Value top_value = object->slots()[ThreadSlot::top];
        if (!is_kind(stack, ObjectKind::Stack) || !top_value.is_integer())
            return {};
        i64 top = top_value.as_integer();
        if (top < 3 || top > static_cast<i64>(stack.as_object()->slot_count))
            return {};
        Value* slots = stack.as_object()->slots();
        Value word = slots[top - 1];
        if (!word.is_integer() || (word.as_integer() >> 40) != record_tag)
            return {};
        i64 bits = word.as_integer();
        Record record;
        record.method = slots[top - 2];
        record.argument_count = static_cast<u32>(bits & 0xffff);
        record.call_flags = (bits >> 16) & 0xff;
        record.wake_up = static_cast<WakeUp>((bits >> 32) & 0xff);
        record.call_arguments = top - 2 - static_cast<i64>(record.argument_count) - 1;
        if (record.call_arguments < 0
            || (!record.method.is_nil() && !is_kind(record.method, ObjectKind::Method))
            || record.wake_up > WakeUp::CallAgain)
            return {};
        return record;
    }

    bool calls_again(Value thread)
    {
        auto record = record_of(thread);
        return record.has_value() && record->wake_up == WakeUp::CallAgain;
    }

} // namespace

// The result of a call as the caller sees it (a constructor gives its receiver), stored where the
// receiver was; returns the new top of the stack.
static Value* store_result(VirtualMachine& vm, Value* call_arguments, Value value, i64 call_flags)
{
    if (call_flags & FrameFlags::constructor)
        value = call_arguments[0];
    else if (call_flags & FrameFlags::negate_result)
        value = vm.boolean(!vm.is_truthy(value));
    if (call_flags & FrameFlags::discard_result)
        return call_arguments;
    call_arguments[0] = value;
    return call_arguments + 1;
}

NativeResult VirtualMachine::block_current_thread(
    ThreadState state, Value waiting_on, u64 wake_time, WakeUp wake_up)
{
    auto* thread = m_current_thread.as_object();
    if (state == ThreadState::Runnable) {
        // A yield: the call returns nil when the thread runs again.
        Value* call_arguments = m_registers.sp - m_registers.native_argc - 1;
        m_registers.sp = store_result(*this, call_arguments, Value::nil(), m_registers.call_flags);
    } else {
        if (m_registers.sp + 2 > m_registers.stack_end)
            return throw_error(BuiltinClass::StackOverflow, "stack overflow"sv);
        m_registers.sp[0] = m_registers.native_method;
        m_registers.sp[1]
            = Value::integer(record_word(m_registers.native_argc, m_registers.call_flags, wake_up));
        m_registers.sp += 2;
    }
    thread->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(state));
    m_heap.write(thread, ThreadSlot::waiting_on, waiting_on);
    bool timed = state == ThreadState::Sleeping || (state != ThreadState::Runnable && wake_time != 0);
    thread->slots()[ThreadSlot::wake_time]
        = timed ? Value::integer(static_cast<i64>(wake_time)) : Value::nil();
    return {NativeOutcome::Block, Value::nil()};
}

void VirtualMachine::wake_thread(Value thread, Value pending)
{
    auto* object = thread.as_object();
    auto* stack = object->slots()[ThreadSlot::stack].as_object();
    i64 top = object->slots()[ThreadSlot::top].as_integer();
    if (auto record = record_of(thread); record.has_value()) {
        Value* call_arguments = stack->slots() + record->call_arguments;
        Value* new_top = store_result(*this, call_arguments, pending, record->call_flags);
        object->slots()[ThreadSlot::top] = Value::integer(new_top - stack->slots());
    } else {
        // A thread blocked by a VM that left only a nil result on the stack (an older image).
        VERIFY(top > 0);
        stack->slots()[top - 1] = pending;
    }
    object->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(ThreadState::Runnable));
    m_heap.write(object, ThreadSlot::waiting_on, Value::nil());
    object->slots()[ThreadSlot::wake_time] = Value::nil();
}

Optional<VirtualMachine::BlockedCall> VirtualMachine::blocked_call(Value thread) const
{
    if (!is_kind(thread, ObjectKind::Thread) || !is_blocked(state_of(thread)))
        return {};
    auto record = record_of(thread);
    if (!record.has_value())
        return {};
    return BlockedCall {record->method, record->argument_count, record->wake_up};
}

// The outcome of a native run outside the interpreter (call_native_again), as the interpreter
// would have applied it at the call.
ErrorOr<void> VirtualMachine::complete_native_call(Value thread, NativeResult result, Value* call_arguments)
{
    auto* object = thread.as_object();
    Value* base = object->slots()[ThreadSlot::stack].as_object()->slots();
    switch (result.outcome) {
    case NativeOutcome::Return: {
        Value* top = store_result(*this, call_arguments, result.value, m_registers.call_flags);
        object->slots()[ThreadSlot::top] = Value::integer(top - base);
        return {};
    }
    case NativeOutcome::Throw:
        if (result.value.is_nil())
            return Error(ErrorCode::OutOfMemory);
        object->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(ThreadState::Runnable));
        return throw_from_blocked_call(thread, result.value);
    case NativeOutcome::Block:
        object->slots()[ThreadSlot::top] = Value::integer(m_registers.sp - base);
        return {};
    case NativeOutcome::Invoke:
        object->slots()[ThreadSlot::frame] = Value::integer(m_registers.frame - base);
        object->slots()[ThreadSlot::top] = Value::integer(m_registers.sp - base);
        object->slots()[ThreadSlot::pc] = Value::integer(0);
        return {};
    }
    VERIFY_NOT_REACHED();
}

ErrorOr<void> VirtualMachine::call_native_again(Value thread)
{
    Handle keep(m_heap, thread);
    auto record = record_of(thread);
    if (!record.has_value())
        return Error::with_message(
            ErrorCode::InvalidArgument, "the thread is not blocked in a native call"sv);
    Value method = record->method;
    i32 index = is_kind(method, ObjectKind::Method) ? method_header(method.as_object()).native_index : -1;
    if (index < 0 || static_cast<usize>(index) >= m_natives.size()) {
        auto exception = TRY(make_exception(
            BuiltinClass::ThreadError, "the native call this thread was blocked in cannot be run again"sv));
        return throw_from_blocked_call(thread, exception);
    }
    auto* object = thread.as_object();
    auto* stack = object->slots()[ThreadSlot::stack].as_object();
    Value* base = stack->slots();
    Value* call_arguments = base + record->call_arguments;
    // The call is on the stack below its record (kept there: a collection may scan the stack
    // while the native runs); the native starts as from the call instruction.
    object->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(ThreadState::Runnable));
    m_heap.write(object, ThreadSlot::waiting_on, Value::nil());
    object->slots()[ThreadSlot::wake_time] = Value::nil();
    object->slots()[ThreadSlot::top] = Value::integer(record->call_arguments + record->argument_count + 1);
    Value saved_thread = m_current_thread;
    auto saved_registers = m_registers;
    m_current_thread = thread;
    m_registers = Registers {base, base + stack->slot_count,
        base + object->slots()[ThreadSlot::frame].as_integer(), call_arguments + record->argument_count + 1,
        static_cast<u32>(object->slots()[ThreadSlot::pc].as_integer()), record->argument_count, method,
        record->call_flags};
    auto result
        = m_natives[static_cast<usize>(index)].function(*this, call_arguments, record->argument_count);
    auto completed = complete_native_call(keep.value(), result, call_arguments);
    m_current_thread = saved_thread;
    m_registers = saved_registers;
    return completed;
}

ErrorOr<void> VirtualMachine::throw_from_blocked_call(Value thread, Value exception)
{
    auto pc = static_cast<u32>(thread.as_object()->slots()[ThreadSlot::pc].as_integer());
    // The throwing instruction is the call, the one before the saved return pc.
    return throw_in_thread(thread, exception, pc > 0 ? pc - 1 : 0);
}

ErrorOr<void> VirtualMachine::throw_in_thread(Value thread, Value exception, u32 throw_pc)
{
    Handle keep_thread(m_heap, thread);
    Handle keep_exception(m_heap, exception);
    auto* object = thread.as_object();
    auto* stack = object->slots()[ThreadSlot::stack].as_object();
    Value* base = stack->slots();
    Value* frame = base + object->slots()[ThreadSlot::frame].as_integer();
    Value* sp = base + object->slots()[ThreadSlot::top].as_integer();
    object->slots()[ThreadSlot::state] = Value::integer(static_cast<i64>(ThreadState::Runnable));
    m_heap.write(object, ThreadSlot::waiting_on, Value::nil());
    object->slots()[ThreadSlot::wake_time] = Value::nil();
    Value saved_thread = m_current_thread;
    auto saved_registers = m_registers;
    m_current_thread = thread;
    m_registers = Registers {base, base + stack->slot_count, frame, sp, throw_pc, 0};
    auto handled = unwind(keep_exception.value(), frame, sp, throw_pc);
    ErrorOr<void> result {};
    if (handled.is_error()) {
        result = handled.release_error();
    } else if (handled.value()) {
        object = keep_thread.value().as_object();
        object->slots()[ThreadSlot::frame] = Value::integer(frame - base);
        object->slots()[ThreadSlot::top] = Value::integer(sp - base);
        object->slots()[ThreadSlot::pc] = Value::integer(throw_pc);
    } else {
        result = finish_thread(keep_thread.value(), ThreadState::Failed, keep_exception.value());
    }
    m_current_thread = saved_thread;
    m_registers = saved_registers;
    return result;
}

// A thread waiting on a mutex or a condition leaves its queue before it is interrupted.
static void leave_queue(VirtualMachine& vm, Value queue_owner, u32 slot, Value thread)
{
    Value waiters = queue_owner.as_object()->slots()[slot];
    if (!is_kind(waiters, ObjectKind::Array))
        return;
    u32 length = array_length(waiters);
    Value* elements = array_elements(waiters);
    for (u32 i = 0; i < length; ++i) {
        if (elements[i] != thread)
            continue;
        for (u32 j = i + 1; j < length; ++j)
            array_set(vm, waiters, j - 1, elements[j]);
        array_set_length(vm, waiters, length - 1);
        return;
    }
}

ErrorOr<bool> VirtualMachine::interrupt_thread(Value thread, StringView message)
{
    if (!is_kind(thread, ObjectKind::Thread) || !m_current_thread.is_nil())
        return false;
    auto state = state_of(thread);
    if (state == ThreadState::Finished || state == ThreadState::Failed
        || thread.as_object()->slots()[ThreadSlot::stack].is_nil())
        return false;
    // Only a call the scheduler recorded can be thrown from (a blocked thread of an older image
    // left no record).
    if (is_blocked(state) && !record_of(thread).has_value())
        return false;
    // A notified Condition.wait waits for its mutex as Blocked: it must come out holding it, so
    // it is left to take it (and is interrupted once it runs). Only Mutex.lock gives up the wait.
    if (state == ThreadState::Blocked) {
        Value method = record_of(thread)->method;
        if (!is_kind(method, ObjectKind::Method)
            || method.as_object()->slots()[MethodSlot::owner] != builtin_class(BuiltinClass::Mutex))
            return false;
    }
    Value waiting_on = thread.as_object()->slots()[ThreadSlot::waiting_on];
    bool on_condition = state == ThreadState::Waiting && is_kind(waiting_on, ObjectKind::Instance)
        && is_instance_of(waiting_on, builtin_class(BuiltinClass::Condition));
    if (on_condition) {
        // Condition.wait gave its mutex away; the exception comes out of the wait with the mutex
        // held again, as a notification would. Held by another thread, it cannot be taken now.
        Value mutex = thread.as_object()->slots()[ThreadSlot::pending];
        if (!is_kind(mutex, ObjectKind::Instance))
            return false;
        Value owner = mutex.as_object()->slots()[MutexSlot::owner];
        if (!owner.is_nil() && owner != thread)
            return false;
    }
    Handle keep_thread(m_heap, thread);
    // The exception first: making it may collect, and nothing has changed yet if it fails.
    Value klass = find_class("Interrupted"sv);
    Value exception;
    if (klass.is_nil()) {
        exception = TRY(make_exception(BuiltinClass::Error, message));
    } else {
        auto text = TRY(make_string(message));
        Handle keep_text(m_heap, text);
        exception = TRY(make_instance(klass));
        m_heap.write(exception.as_object(), ExceptionSlot::message, keep_text.value());
    }
    thread = keep_thread.value();
    waiting_on = thread.as_object()->slots()[ThreadSlot::waiting_on];
    if (on_condition) {
        Value mutex = thread.as_object()->slots()[ThreadSlot::pending];
        leave_queue(*this, waiting_on, ConditionSlot::waiters, thread);
        m_heap.write(mutex.as_object(), MutexSlot::owner, thread);
        mutex.as_object()->slots()[MutexSlot::depth] = Value::integer(1);
        m_heap.write(thread.as_object(), ThreadSlot::pending, Value::nil());
    } else if (state == ThreadState::Blocked && is_kind(waiting_on, ObjectKind::Instance)
        && is_instance_of(waiting_on, builtin_class(BuiltinClass::Mutex))) {
        leave_queue(*this, waiting_on, MutexSlot::waiters, thread);
    }
    if (is_blocked(state))
        TRY(throw_from_blocked_call(thread, exception));
    else
        // Paused between time slices: the instruction it would run next throws.
        TRY(throw_in_thread(
            thread, exception, static_cast<u32>(thread.as_object()->slots()[ThreadSlot::pc].as_integer())));
    return true;
}

// Natives that poll a resource run again when their time comes (or at once, when asked).
ErrorOr<void> VirtualMachine::retry_native_waiters()
{
    bool woken = __atomic_exchange_n(&m_native_wake_requested, false, __ATOMIC_ACQ_REL);
    u64 now = 0;
    bool have_now = false;
    u32 index = 0;
    for (;;) {
        Value threads_array = root()->slots()[RootSlot::threads];
        if (index >= array_length(threads_array))
            return {};
        Value thread = array_elements(threads_array)[index];
        if (!is_blocked(state_of(thread)) || !calls_again(thread)) {
            ++index;
            continue;
        }
        Value wake = thread.as_object()->slots()[ThreadSlot::wake_time];
        bool due = woken;
        if (!due && wake.is_integer()) {
            if (!have_now) {
                now = m_host.monotonic_nanoseconds();
                have_now = true;
            }
            due = static_cast<u64>(wake.as_integer()) <= now;
        }
        if (!due) {
            ++index;
            continue;
        }
        TRY(call_native_again(thread));
        // A call that failed for good ended its thread, which left the list: the next one is here.
        threads_array = root()->slots()[RootSlot::threads];
        if (index < array_length(threads_array) && array_elements(threads_array)[index] == thread)
            ++index;
    }
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

ErrorOr<Value> VirtualMachine::spawn_closure(Value closure, Span<Value const> arguments)
{
    Handle keep_closure(m_heap, closure);
    Value function = closure.as_object()->slots()[ClosureSlot::function];
    if (method_header(function.as_object()).parameter_count != arguments.size())
        return Error::with_message(ErrorCode::InvalidArgument,
            arguments.is_empty() ? "a thread runs a closure without parameters"sv
                                 : "the closure does not take the thread's arguments"sv);
    auto thread = TRY(new_thread(m_options.thread_stack_slots));
    Handle keep_thread(m_heap, thread);
    StringBuilder thread_name;
    TRY(thread_name.try_appendff(
        "thread {}", keep_thread.value().as_object()->slots()[ThreadSlot::identifier].as_integer()));
    auto name = TRY(make_string(thread_name.string_view()));
    m_heap.write(keep_thread.value().as_object(), ThreadSlot::name, name);
    closure = keep_closure.value();
    TRY(push_entry_frame(keep_thread.value(), closure.as_object()->slots()[ClosureSlot::function],
        closure.as_object()->slots()[ClosureSlot::receiver], closure, arguments));
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
        // A native that polls is called again by retry_native_waiters, not woken.
        if (state == ThreadState::Sleeping && !calls_again(thread)) {
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
        TRY(fire_due_timers(*this));
        TRY(retry_native_waiters());
        auto thread = TRY(pick_runnable());
        if (!thread.is_nil()) {
            TRY(run_thread(thread));
            m_current_thread = Value::nil();
            continue;
        }
        // Nothing runs now: sleep until the first deadline (a sleeper, a polling native, a
        // timer). A live timer keeps the VM running even with no thread left.
        Value threads_array = root()->slots()[RootSlot::threads];
        u32 length = array_length(threads_array);
        auto timer_deadline = next_timer_deadline(*this);
        if (length == 0 && !timer_deadline.has_value())
            return {};
        u64 earliest = timer_deadline.value_or(~static_cast<u64>(0));
        for (u32 i = 0; i < length; ++i) {
            Value other = array_elements(threads_array)[i];
            Value wake = other.as_object()->slots()[ThreadSlot::wake_time];
            if (!is_blocked(state_of(other)))
                continue;
            if (wake.is_integer())
                earliest = min(earliest, static_cast<u64>(wake.as_integer()));
            else if (calls_again(other))
                earliest = min(earliest, m_host.monotonic_nanoseconds() + default_poll_ns);
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
