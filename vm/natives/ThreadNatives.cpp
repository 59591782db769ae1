/*
 * vm/natives/ThreadNatives.cpp: Thread, Mutex and Condition for VM (green) threads. Blocking
 * operations park the current thread through VirtualMachine::block_current_thread and the
 * scheduler runs another; waking hands the woken thread the result of its call. Mutexes are
 * recursive and handed directly to the first waiter on unlock (FIFO, no barging).
 *
 * Restart policies: every wait here is on heap objects (a deadline, a thread, a mutex, a
 * condition), which a restart keeps exactly, so a thread blocked in one simply goes on waiting
 * (RestartPolicy::Continue); a sleeper's deadline is moved onto the new clock (vm/Restart.cpp).
 */
#include <vm/Collections.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    NativeResult out_of_memory() { return {NativeOutcome::Throw, Value::nil()}; }

    ThreadState state_of(Value thread)
    {
        return static_cast<ThreadState>(thread.as_object()->slots()[ThreadSlot::state].as_integer());
    }

    NativeResult thread_spawn(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_kind(arguments[1], ObjectKind::Closure))
            return vm.throw_error(BuiltinClass::TypeError, "Thread.spawn expects a closure"sv);
        auto thread = vm.spawn_closure(arguments[1]);
        if (thread.is_error())
            return vm.throw_error(BuiltinClass::ArgumentError, thread.error().message());
        return returning(thread.value());
    }

    NativeResult thread_join(VirtualMachine& vm, Value* arguments, u32)
    {
        Value target = arguments[0];
        if (target == vm.current_thread())
            return vm.throw_error(BuiltinClass::ThreadError, "a thread cannot join itself"sv);
        auto state = state_of(target);
        if (state == ThreadState::Finished)
            return returning(target.as_object()->slots()[ThreadSlot::result]);
        if (state == ThreadState::Failed)
            return returning(Value::nil());
        return vm.block_current_thread(ThreadState::Joining, target, 0);
    }

    NativeResult thread_sleep(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_number(vm, arguments[1]) || number_of(arguments[1]) < 0)
            return vm.throw_error(
                BuiltinClass::ArgumentError, "Thread.sleep expects milliseconds (0 or more)"sv);
        u64 wake = vm.host().monotonic_nanoseconds() + static_cast<u64>(number_of(arguments[1]) * 1e6);
        return vm.block_current_thread(ThreadState::Sleeping, Value::nil(), wake);
    }

    NativeResult thread_error(VirtualMachine&, Value* arguments, u32)
    {
        return returning(state_of(arguments[0]) == ThreadState::Failed
                ? arguments[0].as_object()->slots()[ThreadSlot::result]
                : Value::nil());
    }

    constexpr NativeMethod thread_methods[] = {
        {"spawn"sv, NativeKind::Static, 1, thread_spawn},
        {"current"sv, NativeKind::Static, 0,
            [](VirtualMachine& vm, Value*, u32) { return returning(vm.current_thread()); }},
        {"sleep"sv, NativeKind::Static, 1, thread_sleep, RestartPolicy::Continue},
        {"yield"sv, NativeKind::Static, 0,
            [](VirtualMachine& vm, Value*, u32) {
                return vm.block_current_thread(ThreadState::Runnable, Value::nil(), 0);
            }},
        {"join"sv, NativeKind::Instance, 0, thread_join, RestartPolicy::Continue},
        {"id"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                return returning(arguments[0].as_object()->slots()[ThreadSlot::identifier]);
            }},
        {"name"sv, NativeKind::Instance, 0,
            [](VirtualMachine&, Value* arguments, u32) {
                return returning(arguments[0].as_object()->slots()[ThreadSlot::name]);
            }},
        {"isAlive"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                auto state = state_of(arguments[0]);
                return returning(vm.boolean(state != ThreadState::Finished && state != ThreadState::Failed));
            }},
        {"error"sv, NativeKind::Instance, 0, thread_error},
    };

    // Mutex

    Value waiters_of(Value object, u32 slot) { return object.as_object()->slots()[slot]; }

    ErrorOr<Value> ensure_waiters(VirtualMachine& vm, Value* object_slot, u32 slot)
    {
        if (waiters_of(*object_slot, slot).is_nil()) {
            auto array = TRY(vm.make_array(2));
            vm.heap().write(object_slot->as_object(), slot, array);
        }
        return waiters_of(*object_slot, slot);
    }

    Value take_first(VirtualMachine& vm, Value array)
    {
        u32 length = array_length(array);
        if (length == 0)
            return Value::nil();
        Value first = array_elements(array)[0];
        for (u32 i = 1; i < length; ++i)
            array_set(vm, array, i - 1, array_elements(array)[i]);
        array_set_length(vm, array, length - 1);
        return first;
    }

    NativeResult mutex_init(VirtualMachine& vm, Value* arguments, u32)
    {
        if (ensure_waiters(vm, &arguments[0], MutexSlot::waiters).is_error())
            return out_of_memory();
        arguments[0].as_object()->slots()[MutexSlot::depth] = Value::integer(0);
        return returning(Value::nil());
    }

    NativeResult mutex_lock(VirtualMachine& vm, Value* arguments, u32)
    {
        auto* mutex = arguments[0].as_object();
        Value current = vm.current_thread();
        if (mutex->slots()[MutexSlot::owner].is_nil()) {
            vm.heap().write(mutex, MutexSlot::owner, current);
            mutex->slots()[MutexSlot::depth] = Value::integer(1);
            return returning(Value::nil());
        }
        if (mutex->slots()[MutexSlot::owner] == current) {
            mutex->slots()[MutexSlot::depth]
                = Value::integer(mutex->slots()[MutexSlot::depth].as_integer() + 1);
            return returning(Value::nil());
        }
        auto waiters = ensure_waiters(vm, &arguments[0], MutexSlot::waiters);
        if (waiters.is_error() || array_push(vm, waiters.value(), vm.current_thread()).is_error())
            return out_of_memory();
        return vm.block_current_thread(ThreadState::Blocked, arguments[0], 0);
    }

    // Gives the mutex to its first waiter or frees it.
    void release(VirtualMachine& vm, Value mutex_value)
    {
        auto* mutex = mutex_value.as_object();
        Value waiters = mutex->slots()[MutexSlot::waiters];
        Value next = waiters.is_nil() ? Value::nil() : take_first(vm, waiters);
        vm.heap().write(mutex, MutexSlot::owner, next);
        mutex->slots()[MutexSlot::depth] = Value::integer(next.is_nil() ? 0 : 1);
        if (!next.is_nil())
            vm.wake_thread(next, Value::nil());
    }

    NativeResult mutex_unlock(VirtualMachine& vm, Value* arguments, u32)
    {
        auto* mutex = arguments[0].as_object();
        if (mutex->slots()[MutexSlot::owner] != vm.current_thread())
            return vm.throw_error(BuiltinClass::ThreadError, "unlock of a mutex this thread does not hold"sv);
        i64 depth = mutex->slots()[MutexSlot::depth].as_integer() - 1;
        mutex->slots()[MutexSlot::depth] = Value::integer(depth);
        if (depth == 0)
            release(vm, arguments[0]);
        return returning(Value::nil());
    }

    NativeResult mutex_try_lock(VirtualMachine& vm, Value* arguments, u32 count)
    {
        auto* mutex = arguments[0].as_object();
        if (!mutex->slots()[MutexSlot::owner].is_nil()
            && mutex->slots()[MutexSlot::owner] != vm.current_thread())
            return returning(vm.false_value());
        (void)mutex_lock(vm, arguments, count);
        return returning(vm.true_value());
    }

    constexpr StringView mutex_fields[] = {"$owner"sv, "$depth"sv, "$waiters"sv};

    constexpr NativeMethod mutex_methods[] = {
        {"init"sv, NativeKind::Constructor, 0, mutex_init},
        {"lock"sv, NativeKind::Instance, 0, mutex_lock, RestartPolicy::Continue},
        {"unlock"sv, NativeKind::Instance, 0, mutex_unlock},
        {"tryLock"sv, NativeKind::Instance, 0, mutex_try_lock},
        {"isLocked"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) {
                return returning(vm.boolean(!arguments[0].as_object()->slots()[MutexSlot::owner].is_nil()));
            }},
    };

    // Condition: wait(mutex) releases the mutex, parks the thread, and when notified the thread
    // takes the mutex back (waiting for it like lock() if another thread holds it).

    NativeResult condition_init(VirtualMachine& vm, Value* arguments, u32)
    {
        if (ensure_waiters(vm, &arguments[0], ConditionSlot::waiters).is_error())
            return out_of_memory();
        return returning(Value::nil());
    }

    NativeResult condition_wait(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_kind(arguments[1], ObjectKind::Instance)
            || !vm.is_instance_of(arguments[1], vm.builtin_class(BuiltinClass::Mutex)))
            return vm.throw_error(BuiltinClass::TypeError, "Condition.wait expects the Mutex it protects"sv);
        if (arguments[1].as_object()->slots()[MutexSlot::owner] != vm.current_thread())
            return vm.throw_error(
                BuiltinClass::ThreadError, "Condition.wait needs the mutex to be held by this thread"sv);
        auto waiters = ensure_waiters(vm, &arguments[0], ConditionSlot::waiters);
        if (waiters.is_error() || array_push(vm, waiters.value(), vm.current_thread()).is_error())
            return out_of_memory();
        vm.heap().write(vm.current_thread().as_object(), ThreadSlot::pending, arguments[1]);
        release(vm, arguments[1]);
        return vm.block_current_thread(ThreadState::Waiting, arguments[0], 0);
    }

    ErrorOr<void> notify_one(VirtualMachine& vm, Value waiter)
    {
        Value mutex = waiter.as_object()->slots()[ThreadSlot::pending];
        vm.heap().write(waiter.as_object(), ThreadSlot::pending, Value::nil());
        auto* mutex_object = mutex.as_object();
        if (mutex_object->slots()[MutexSlot::owner].is_nil()) {
            vm.heap().write(mutex_object, MutexSlot::owner, waiter);
            mutex_object->slots()[MutexSlot::depth] = Value::integer(1);
            vm.wake_thread(waiter, Value::nil());
            return {};
        }
        Handle keep_mutex(vm.heap(), mutex);
        Handle keep_waiter(vm.heap(), waiter);
        Value slot = mutex;
        auto waiters = TRY(ensure_waiters(vm, &slot, MutexSlot::waiters));
        TRY(array_push(vm, waiters, keep_waiter.value()));
        keep_waiter.value().as_object()->slots()[ThreadSlot::state]
            = Value::integer(static_cast<i64>(ThreadState::Blocked));
        vm.heap().write(keep_waiter.value().as_object(), ThreadSlot::waiting_on, keep_mutex.value());
        return {};
    }

    NativeResult condition_notify(VirtualMachine& vm, Value* arguments, bool all)
    {
        for (;;) {
            Value waiters = arguments[0].as_object()->slots()[ConditionSlot::waiters];
            if (waiters.is_nil())
                break;
            Value waiter = take_first(vm, waiters);
            if (waiter.is_nil())
                break;
            if (notify_one(vm, waiter).is_error())
                return out_of_memory();
            if (!all)
                break;
        }
        return returning(Value::nil());
    }

    constexpr StringView condition_fields[] = {"$waiters"sv};

    constexpr NativeMethod condition_methods[] = {
        {"init"sv, NativeKind::Constructor, 0, condition_init},
        {"wait"sv, NativeKind::Instance, 1, condition_wait, RestartPolicy::Continue},
        {"notify"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return condition_notify(vm, arguments, false); }},
        {"notifyAll"sv, NativeKind::Instance, 0,
            [](VirtualMachine& vm, Value* arguments, u32) { return condition_notify(vm, arguments, true); }},
    };

    constexpr NativeClass thread_classes[] = {
        {"Thread"sv, ""sv, {}, thread_methods},
        {"Mutex"sv, ""sv, mutex_fields, mutex_methods},
        {"Condition"sv, ""sv, condition_fields, condition_methods},
    };

} // namespace

Span<NativeClass const> thread_native_classes() { return thread_classes; }

} // namespace VM
