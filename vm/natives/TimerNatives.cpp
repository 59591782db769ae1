/*
 * vm/natives/TimerNatives.cpp: Timer, closures called later (Timer.after) or periodically
 * (Timer.every). A timer is a heap object; the active ones are in the restart state's timer
 * array, and the scheduler fires the due ones between time slices (fire_due_timers), each
 * firing on a new VM thread named "timer". A periodic timer skips a tick while its previous
 * firing is still running, and after a long pause it fires once, not once per missed period.
 *
 * A timer's deadline is on the machine's monotonic clock, which a restart does not keep: every
 * timer is on the restart list, and its re-attach hook moves the deadline onto the new clock
 * with the time that was left, as sleeping threads are (docs/persistence.md).
 */
#include <vm/Collections.h>
#include <vm/RestartList.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    namespace TimerSlot {
        constexpr u32 closure = 0;
        constexpr u32 deadline = 1; // integer monotonic nanoseconds of the next firing
        constexpr u32 period = 2;   // integer nanoseconds; 0 for a one-shot timer
        constexpr u32 active = 3;   // true or false
        constexpr u32 thread = 4;   // the Thread of the last firing, or nil
        constexpr u32 fired = 5;    // integer: how many times it fired
        constexpr u32 count = 6;
    } // namespace TimerSlot

    constexpr StringView timer_fields[]
        = {"$closure"sv, "$deadline"sv, "$period"sv, "$active"sv, "$thread"sv, "$fired"sv};
    static_assert(sizeof(timer_fields) / sizeof(timer_fields[0]) == TimerSlot::count);

    constexpr double largest_milliseconds = 1e12; // about 31 years

    NativeResult out_of_memory() { return {NativeOutcome::Throw, Value::nil()}; }

    bool is_timer(VirtualMachine& vm, Value value)
    {
        Value klass = vm.find_class("Timer"sv);
        return is_kind(value, ObjectKind::Instance) && !klass.is_nil() && vm.is_instance_of(value, klass)
            && value.as_object()->slot_count >= TimerSlot::count;
    }

    bool is_active(VirtualMachine& vm, Value timer)
    {
        return timer.as_object()->slots()[TimerSlot::active] == vm.true_value();
    }

    void remove_at(VirtualMachine& vm, Value array, u32 index)
    {
        u32 length = array_length(array);
        for (u32 j = index + 1; j < length; ++j)
            array_set(vm, array, j - 1, array_elements(array)[j]);
        array_set(vm, array, length - 1, Value::nil());
        array_set_length(vm, array, length - 1);
    }

    // Takes `timer` out of the active timers (it stays usable: isActive() is false).
    void deactivate(VirtualMachine& vm, Value timer)
    {
        vm.heap().write(timer.as_object(), TimerSlot::active, vm.false_value());
        Value timers = restart_state_array(vm, RestartStateSlot::timers);
        if (timers.is_nil())
            return;
        for (u32 i = 0; i < array_length(timers); ++i) {
            if (array_elements(timers)[i] == timer) {
                remove_at(vm, timers, i);
                return;
            }
        }
    }

    NativeResult start_timer(VirtualMachine& vm, Value* arguments, bool periodic)
    {
        StringView method = periodic ? "Timer.every"sv : "Timer.after"sv;
        if (!is_number(vm, arguments[1]) || !(number_of(arguments[1]) >= (periodic ? 1 : 0))
            || number_of(arguments[1]) > largest_milliseconds)
            return vm.throw_formatted(BuiltinClass::ArgumentError,
                "{} expects milliseconds ({} or more) first", method, periodic ? 1 : 0);
        if (!is_kind(arguments[2], ObjectKind::Closure)
            || method_header(arguments[2].as_object()->slots()[ClosureSlot::function].as_object())
                    .parameter_count
                != 0)
            return vm.throw_formatted(
                BuiltinClass::TypeError, "{} expects a closure without parameters second", method);
        auto period = static_cast<i64>(number_of(arguments[1]) * 1e6);
        if (!is_kind(arguments[0], ObjectKind::Class))
            return vm.throw_formatted(BuiltinClass::TypeError, "{} is called on the Timer class", method);
        auto instance = vm.make_instance(arguments[0]);
        if (instance.is_error())
            return out_of_memory();
        Handle keep(vm.heap(), instance.value());
        if (!is_timer(vm, keep.value()))
            return vm.throw_formatted(BuiltinClass::TypeError, "{} makes timers only", method);
        auto* slots = keep.object()->slots();
        vm.heap().write(keep.object(), TimerSlot::closure, arguments[2]);
        slots[TimerSlot::deadline]
            = Value::integer(static_cast<i64>(vm.host().monotonic_nanoseconds()) + period);
        slots[TimerSlot::period] = Value::integer(periodic ? period : 0);
        vm.heap().write(keep.object(), TimerSlot::active, vm.true_value());
        slots[TimerSlot::fired] = Value::integer(0);
        if (ensure_restart_state(vm).is_error()
            || array_push(vm, restart_state_array(vm, RestartStateSlot::timers), keep.value()).is_error()
            || restart_list_add(vm, keep.value()).is_error())
            return out_of_memory();
        return returning(keep.value());
    }

    NativeResult timer_cancel(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_timer(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "cancel is a method of timers"sv);
        bool was_active = is_active(vm, arguments[0]);
        deactivate(vm, arguments[0]);
        return returning(vm.boolean(was_active));
    }

    NativeResult timer_is_active(VirtualMachine& vm, Value* arguments, u32)
    {
        return returning(vm.boolean(is_timer(vm, arguments[0]) && is_active(vm, arguments[0])));
    }

    NativeResult timer_fired(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_timer(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "fired is a method of timers"sv);
        Value fired = arguments[0].as_object()->slots()[TimerSlot::fired];
        return returning(fired.is_integer() ? fired : Value::integer(0));
    }

    // Milliseconds until the next firing (0 when due), or nil for a timer that will not fire.
    NativeResult timer_remaining(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_timer(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "remaining is a method of timers"sv);
        Value deadline = arguments[0].as_object()->slots()[TimerSlot::deadline];
        if (!is_active(vm, arguments[0]) || !deadline.is_integer())
            return returning(Value::nil());
        u64 now = vm.host().monotonic_nanoseconds();
        auto at = static_cast<u64>(deadline.as_integer());
        return returning(Value::integer(at > now ? static_cast<i64>((at - now) / 1000000) : 0));
    }

    // After a restart: the deadline keeps the time that was left when the world stopped.
    ErrorOr<void> timer_reattach(VirtualMachine& vm, Value timer, ResumeClock const& clock)
    {
        if (!is_timer(vm, timer) || !is_active(vm, timer))
            return {};
        Value& deadline = timer.as_object()->slots()[TimerSlot::deadline];
        if (!deadline.is_integer())
            return Error::with_message(ErrorCode::Corrupted, "the timer has no deadline"sv);
        deadline = Value::integer(static_cast<i64>(clock.shift(static_cast<u64>(deadline.as_integer()))));
        return {};
    }

    constexpr NativeMethod timer_methods[] = {
        {"after"sv, NativeKind::Static, 2,
            [](VirtualMachine& vm, Value* arguments, u32) { return start_timer(vm, arguments, false); }},
        {"every"sv, NativeKind::Static, 2,
            [](VirtualMachine& vm, Value* arguments, u32) { return start_timer(vm, arguments, true); }},
        {"cancel"sv, NativeKind::Instance, 0, timer_cancel},
        {"isActive"sv, NativeKind::Instance, 0, timer_is_active},
        {"fired"sv, NativeKind::Instance, 0, timer_fired},
        {"remaining"sv, NativeKind::Instance, 0, timer_remaining},
    };

    constexpr NativeClass timer_classes[] = {
        {"Timer"sv, ""sv, timer_fields, timer_methods, timer_reattach},
    };

    bool is_running(Value thread)
    {
        if (!is_kind(thread, ObjectKind::Thread))
            return false;
        auto state = static_cast<ThreadState>(thread.as_object()->slots()[ThreadSlot::state].as_integer());
        return state != ThreadState::Finished && state != ThreadState::Failed;
    }

    // Starts a thread for one firing of `timer` (kept alive by the caller).
    ErrorOr<void> fire(VirtualMachine& vm, Value timer)
    {
        auto thread = vm.spawn_closure(timer.as_object()->slots()[TimerSlot::closure]);
        if (thread.is_error()) {
            if (thread.error().code() == ErrorCode::OutOfMemory)
                return thread.release_error();
            // The closure's method was reloaded with parameters: the timer cannot fire any more.
            StringBuilder message;
            TRY(message.try_appendff(
                "Timer: the timer's closure cannot run ({}); it is cancelled\n", thread.error().message()));
            vm.host().write_error(message.string_view());
            deactivate(vm, timer);
            return {};
        }
        Handle keep_thread(vm.heap(), thread.value());
        auto name = TRY(vm.make_string("timer"sv));
        vm.heap().write(keep_thread.object(), ThreadSlot::name, name);
        vm.heap().write(timer.as_object(), TimerSlot::thread, keep_thread.value());
        Value& fired = timer.as_object()->slots()[TimerSlot::fired];
        fired = Value::integer((fired.is_integer() ? fired.as_integer() : 0) + 1);
        return {};
    }

} // namespace

Span<NativeClass const> timer_native_classes() { return timer_classes; }

ErrorOr<void> fire_due_timers(VirtualMachine& vm)
{
    Value timers = restart_state_array(vm, RestartStateSlot::timers);
    if (timers.is_nil() || array_length(timers) == 0)
        return {};
    auto now = static_cast<i64>(vm.host().monotonic_nanoseconds());
    u32 index = 0;
    while (index < array_length(restart_state_array(vm, RestartStateSlot::timers))) {
        Handle timer(vm.heap(), array_elements(restart_state_array(vm, RestartStateSlot::timers))[index]);
        if (!is_timer(vm, timer.value())) {
            // Its class was reloaded into something else: it leaves the list.
            remove_at(vm, restart_state_array(vm, RestartStateSlot::timers), index);
            continue;
        }
        if (!is_active(vm, timer.value()) || !timer.object()->slots()[TimerSlot::deadline].is_integer()) {
            deactivate(vm, timer.value());
            continue;
        }
        i64 deadline = timer.object()->slots()[TimerSlot::deadline].as_integer();
        if (deadline > now) {
            ++index;
            continue;
        }
        if (!is_running(timer.object()->slots()[TimerSlot::thread]))
            TRY(fire(vm, timer.value()));
        if (!is_active(vm, timer.value()))
            continue; // fire() cancelled it
        i64 period = timer.object()->slots()[TimerSlot::period].as_integer();
        if (period <= 0) {
            deactivate(vm, timer.value());
            continue;
        }
        i64 next = deadline + period;
        if (next <= now)
            next = now + period;
        timer.object()->slots()[TimerSlot::deadline] = Value::integer(next);
        ++index;
    }
    return {};
}

Optional<u64> next_timer_deadline(VirtualMachine& vm)
{
    Value timers = restart_state_array(vm, RestartStateSlot::timers);
    if (timers.is_nil())
        return {};
    Optional<u64> earliest;
    for (u32 i = 0; i < array_length(timers); ++i) {
        Value timer = array_elements(timers)[i];
        if (!is_timer(vm, timer) || !is_active(vm, timer))
            continue;
        Value deadline = timer.as_object()->slots()[TimerSlot::deadline];
        if (!deadline.is_integer())
            continue;
        auto at = static_cast<u64>(deadline.as_integer());
        if (!earliest.has_value() || at < earliest.value())
            earliest = at;
    }
    return earliest;
}

} // namespace VM
