/*
 * vm/world/WorldNatives.cpp: the `World` internal class (WorldNatives.h).
 */
#include <vm/Collections.h>
#include <vm/Object.h>
#include <vm/Restart.h>
#include <vm/natives/Natives.h>
#include <vm/world/ObjectBrowser.h>
#include <vm/world/WorldNatives.h>
#include <vm/world/WorldSession.h>

namespace VM::World {

namespace {

    NativeResult out_of_memory() { return {NativeOutcome::Throw, Value::nil()}; }

    NativeResult read_line(VirtualMachine& vm, Value*, u32) { return Session::of(vm).read_line(vm); }

    NativeResult await_resume(VirtualMachine& vm, Value*, u32) { return Session::of(vm).wait_for_resume(vm); }

    NativeResult compile(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return vm.throw_error(
                BuiltinClass::TypeError, "World.compile expects the source text (a String)"sv);
        return Session::of(vm).post_request(vm, RequestKind::Compile, arguments[1]);
    }

    NativeResult run_finished(VirtualMachine&, Value*, u32, Value result) { return returning(result); }

    NativeResult run(VirtualMachine& vm, Value* arguments, u32)
    {
        Value code = arguments[1];
        // What World.compile returns: a static bytecode method without parameters.
        if (!is_kind(code, ObjectKind::Method)
            || method_header(code.as_object()).kind != static_cast<u8>(MethodKind::Static)
            || method_header(code.as_object()).parameter_count != 0)
            return vm.throw_error(BuiltinClass::TypeError, "World.run expects what World.compile returned"sv);
        Value owner = code.as_object()->slots()[MethodSlot::owner];
        return vm.prepare_invoke(code, owner, {}, run_finished);
    }

    NativeResult snapshot(VirtualMachine& vm, Value*, u32)
    {
        return Session::of(vm).post_request(vm, RequestKind::Snapshot, Value::nil());
    }

    NativeResult rollback(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!arguments[1].is_integer() || arguments[1].as_integer() < 0)
            return vm.throw_error(
                BuiltinClass::ArgumentError, "World.rollback expects a generation number"sv);
        return Session::of(vm).post_request(vm, RequestKind::RollBack, arguments[1]);
    }

    NativeResult generation(VirtualMachine& vm, Value*, u32)
    {
        return returning(Value::integer(static_cast<i64>(Session::of(vm).space().committed_generation())));
    }

    ErrorOr<Value> integer_row(VirtualMachine& vm, Span<i64 const> numbers)
    {
        auto row = TRY(vm.make_array(static_cast<u32>(numbers.size())));
        for (auto number : numbers)
            TRY(array_push(vm, row, Value::integer(number)));
        return row;
    }

    ErrorOr<Value> generation_rows(VirtualMachine& vm)
    {
        auto kept = TRY(Session::of(vm).space().store().generations());
        auto rows = TRY(vm.make_array(static_cast<u32>(kept.size())));
        Handle keep(vm.heap(), rows);
        for (auto const& info : kept) {
            i64 numbers[] = {static_cast<i64>(info.generation),
                static_cast<i64>(info.wall_time_ns / Hal::nanoseconds_per_millisecond),
                static_cast<i64>(info.page_count), static_cast<i64>(info.pause_ns / 1000)};
            auto row = TRY(integer_row(vm, numbers));
            TRY(array_push(vm, keep.value(), row));
        }
        return keep.value();
    }

    NativeResult generations(VirtualMachine& vm, Value*, u32) { return returning(generation_rows(vm)); }

    NativeResult resume_note(VirtualMachine& vm, Value*, u32)
    {
        return returning(vm.make_string(Session::of(vm).resume_note()));
    }

    ErrorOr<Value> thread_rows(VirtualMachine& vm)
    {
        auto threads = TRY(list_threads(vm));
        auto rows = TRY(vm.make_array(static_cast<u32>(threads.size())));
        Handle keep(vm.heap(), rows);
        for (auto const& info : threads) {
            auto row = TRY(vm.make_array(4));
            Handle keep_row(vm.heap(), row);
            TRY(array_push(vm, row, Value::integer(info.identifier)));
            auto name = TRY(vm.make_string(info.name.view()));
            TRY(array_push(vm, keep_row.value(), name));
            auto state = TRY(vm.make_string(thread_state_name(info.state)));
            TRY(array_push(vm, keep_row.value(), state));
            TRY(array_push(vm, keep_row.value(), Value::integer(info.frame_depth)));
            TRY(array_push(vm, keep.value(), keep_row.value()));
        }
        return keep.value();
    }

    NativeResult threads(VirtualMachine& vm, Value*, u32) { return returning(thread_rows(vm)); }

    NativeResult globals(VirtualMachine& vm, Value*, u32) { return returning(user_globals(vm)); }

    NativeResult children(VirtualMachine& vm, Value* arguments, u32)
    {
        return returning(children_of(vm, arguments[1]));
    }

    NativeResult inspect(VirtualMachine& vm, Value* arguments, u32)
    {
        auto text = inspect_value(vm, arguments[1]);
        if (text.is_error())
            return out_of_memory();
        return returning(vm.make_string(text.value().view()));
    }

    NativeResult describe(VirtualMachine& vm, Value* arguments, u32)
    {
        StringBuilder text;
        if (append_short(vm, text, arguments[1]).is_error())
            return out_of_memory();
        return returning_text(vm, text);
    }

    NativeResult set_global(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]))
            return vm.throw_error(BuiltinClass::TypeError, "World.setGlobal expects a name (a String)"sv);
        auto symbol = vm.intern(text_of(arguments[1]));
        if (symbol.is_error() || vm.set_global(symbol.value(), arguments[2]).is_error())
            return out_of_memory();
        return returning(arguments[2]);
    }

    constexpr NativeMethod world_methods[] = {
        {"readLine"sv, NativeKind::Static, 0, read_line},
        {"awaitResume"sv, NativeKind::Static, 0, await_resume},
        {"compile"sv, NativeKind::Static, 1, compile},
        {"run"sv, NativeKind::Static, 1, run},
        {"snapshot"sv, NativeKind::Static, 0, snapshot},
        {"generations"sv, NativeKind::Static, 0, generations},
        {"rollback"sv, NativeKind::Static, 1, rollback},
        {"generation"sv, NativeKind::Static, 0, generation},
        {"resumeNote"sv, NativeKind::Static, 0, resume_note},
        {"threads"sv, NativeKind::Static, 0, threads},
        {"globals"sv, NativeKind::Static, 0, globals},
        {"children"sv, NativeKind::Static, 1, children},
        {"inspect"sv, NativeKind::Static, 1, inspect},
        {"describe"sv, NativeKind::Static, 1, describe},
        {"setGlobal"sv, NativeKind::Static, 2, set_global},
    };

    constexpr NativeClass world_classes[] = {
        {"World"sv, ""sv, {}, world_methods},
    };

    constexpr NativeContinuation continuations[] = {run_finished};

} // namespace

Span<NativeClass const> world_native_classes() { return world_classes; }

Span<NativeContinuation const> world_continuations() { return continuations; }

} // namespace VM::World
