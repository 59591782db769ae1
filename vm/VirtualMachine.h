/*
 * vm/VirtualMachine.h: the VM object. One VirtualMachine runs over one Heap; several may exist
 * in a process (there is no global state). Typical use (tools/phantom-vm):
 *
 *     auto heap = TRY(Heap::create(base, size));
 *     auto vm = TRY(VirtualMachine::create(*heap, host));   // bootstraps the built-in classes
 *     TRY(vm->load(program, &message));                       // verifies, then loads classes
 *     int status = TRY(vm->run_main());                        // runs until every thread ends
 *
 * All VM state that must survive a restart is in the heap under root `heap_root_index`; the
 * C++ object only caches it. VirtualMachine::attach() rebuilds those caches and the native
 * table (by name) over an existing heap image; threads() and run() resume its threads.
 */
#pragma once

#include <base/Optional.h>
#include <base/OwnPtr.h>
#include <base/String.h>
#include <base/Vector.h>
#include <vm/ClassImage.h>
#include <vm/Heap.h>
#include <vm/Object.h>

namespace VM {

// What the VM needs from the world around it (the hosted tool, the kernel, a test).
class Host {
public:
    // Console.print output and uncaught-exception reports.
    virtual void write_output(StringView) = 0;
    virtual void write_error(StringView) = 0;
    virtual u64 monotonic_nanoseconds() = 0;
    virtual u64 wall_clock_nanoseconds() = 0;
    // Called when every VM thread is asleep: block the host thread until then (or a bit earlier).
    virtual void sleep_until(u64 monotonic_nanoseconds) = 0;
    // Called by run() between time slices, where every VM thread's state is in the heap (no
    // bytecode is half done): the world parks its host thread here for a snapshot.
    virtual void at_safepoint() { }

protected:
    ~Host() = default;
};

struct VMOptions {
    u32 main_stack_slots {1u << 18};   // 2 MiB: deep recursion in main
    u32 thread_stack_slots {1u << 16}; // 512 KiB per spawned thread
    u32 time_slice {4096};             // safepoints a thread runs before others get a turn
};

class VirtualMachine;

// Native state a subsystem's natives keep beside the heap (the window system's compositor,
// fonts and screen): made on demand by those natives, never persistent (after a restart the
// natives make it again from the heap), destroyed with the VM.
class NativeContext {
public:
    virtual ~NativeContext() = default;
};

// The result of a native method. Natives are short C++ functions; one that must run Phantom
// code (a comparator, a toString) returns Invoke after calling VirtualMachine::prepare_invoke,
// and its continuation runs when that code returns (no C++ recursion).
enum class NativeOutcome : u8 {
    Return, // value is the result
    Throw,  // value is the exception
    Block,  // the current thread blocked (mutex, join, sleep, wait); it resumes with `pending`
    Invoke, // a Phantom frame was pushed; the continuation runs with its result
};

struct NativeResult {
    NativeOutcome outcome {NativeOutcome::Return};
    Value value;
};

// arguments[0] is the receiver, arguments[1..count] the arguments. They live in the thread's
// stack, so they stay valid (and alive) across allocations.
using NativeFunction = NativeResult (*)(VirtualMachine&, Value* arguments, u32 count);
// Runs when Phantom code invoked by a native returns: `arguments` is the native's own argument
// area (which it may use as scratch state), `result` what the invoked code returned.
using NativeContinuation = NativeResult (*)(VirtualMachine&, Value* arguments, u32 count, Value result);

enum class NativeKind : u8 {
    Instance,
    Static,
    Constructor,
};

// What happens to a call of a native that a thread was blocked in when the world stopped
// (restart(), vm/Restart.h; docs/persistence.md has every native's policy). Only natives that
// block (return Block) are ever interrupted; for the others the policy never applies.
enum class RestartPolicy : u8 {
    Continue,  // the thread stays blocked as it was: right for waits on heap objects (a mutex, a
               // thread, a deadline), and for natives whose subsystem wakes its threads itself
    Reexecute, // the native runs again with the same arguments, after the restart list re-attached
    Fail,      // the call throws Restarted naming the method: its native state is gone
};

// One entry of an internal class's method table.
struct NativeMethod {
    StringView name;
    NativeKind kind;
    i16 arity; // -1: any number of arguments
    NativeFunction function;
    RestartPolicy restart {RestartPolicy::Continue};
};

// The clocks of a resumed VM, handed to the restart list's re-attach hooks (vm/Restart.h).
struct ResumeClock {
    u64 now_ns {0};      // this run's monotonic clock at the restart
    u64 previous_ns {0}; // the previous run's monotonic clock when it was last seen running
    u64 downtime_ms {0}; // wall-clock time the world was away
    // A deadline on the previous run's clock moved onto this one, keeping the time that was left
    // (the time the world was away does not count).
    [[nodiscard]] u64 shift(u64 deadline) const
    {
        return now_ns + (deadline > previous_ns ? deadline - previous_ns : 0);
    }
};

// Re-attaches one object of an internal class to the native resource it stands for (a timer
// to this run's clock, a channel to the HAL channel of its name); see vm/RestartList.h.
using NativeReattach = ErrorOr<void> (*)(VirtualMachine&, Value object, ResumeClock const&);

// An internal class: its name, superclass, the fields its instances have (hidden names start
// with '$'), and its native methods. The built-in classes use the same descriptor, and later
// subsystems (windowing/, kernel objects) add theirs with register_native_class(). Classes
// whose instances hold native resources give `reattach` and put them on the restart list.
struct NativeClass {
    StringView name;
    StringView superclass; // empty = Object
    Span<StringView const> fields;
    Span<NativeMethod const> methods;
    NativeReattach reattach {nullptr};
};

// How a thread that a native blocked continues when it is woken (block_current_thread).
enum class WakeUp : u8 {
    Resume,    // at the call's return, with the value it is woken with (wake_thread)
    CallAgain, // the native runs again with the same arguments (a native polling a resource)
};

class VirtualMachine {
public:
    static constexpr u32 heap_root_index = 0;

    // A fresh VM in an empty heap: creates the root object and the built-in classes.
    static ErrorOr<NonnullOwnPtr<VirtualMachine>> create(Heap&, Host&, VMOptions = {});
    // A VM over a heap that already holds one (after a restart): rebinds natives by name.
    // Internal classes registered with register_native_class() must be passed the same way.
    static ErrorOr<NonnullOwnPtr<VirtualMachine>> attach(
        Heap&, Host&, VMOptions = {}, Span<NativeClass const> extra_classes = {});
    ~VirtualMachine();

    // Adds an internal class (before loading programs that use it). Idempotent by name.
    ErrorOr<void> register_native_class(NativeClass const&);

    // Verifies every class of the program and then loads them; nothing is loaded if any fails.
    ErrorOr<void> load(ProgramImage const&, String* message = nullptr);

    // Starts the program's main (static main of `main_class`, or the loaded program's main
    // class), runs the scheduler until every thread has ended, and returns the exit status:
    // main's integer result, 0 for any other result, 1 after an uncaught exception.
    ErrorOr<int> run_main(StringView main_class = {});

    // Starts a thread running static method `method_name` of `class_name` with no arguments.
    ErrorOr<Value> spawn_static(StringView class_name, StringView method_name);
    // Runs the scheduler until no thread can run any more (all ended, or deadlocked).
    ErrorOr<void> run();
    // The VM's threads (restart support: list them after attach; run() resumes them).
    [[nodiscard]] Vector<Value> threads() const;

    // Asks running threads to stop at their next safepoint (another host thread may call it);
    // run() then returns. The snapshot engine uses it.
    void request_safepoint() { __atomic_store_n(&m_safepoint_requested, true, __ATOMIC_RELEASE); }
    void clear_safepoint_request() { __atomic_store_n(&m_safepoint_requested, false, __ATOMIC_RELEASE); }
    [[nodiscard]] bool safepoint_requested() const
    {
        return __atomic_load_n(&m_safepoint_requested, __ATOMIC_ACQUIRE);
    }

    // Ends the program: run() returns at once and run_main() returns `status` (System.exit).
    void request_exit(int status)
    {
        m_exit_status = status;
        m_exit_requested = true;
    }
    [[nodiscard]] bool exit_requested() const { return m_exit_requested; }

    // Every inline cache forgets what it knew (hot reload calls this after changing classes).
    void invalidate_caches();

    [[nodiscard]] Heap& heap() { return m_heap; }
    [[nodiscard]] Host& host() { return m_host; }
    [[nodiscard]] VMOptions const& options() const { return m_options; }

    // Symbols, classes and globals.
    ErrorOr<Value> intern(StringView);
    [[nodiscard]] Value find_symbol(StringView) const;
    [[nodiscard]] Value find_class(StringView name) const;
    [[nodiscard]] Value builtin_class(BuiltinClass which) const
    {
        return m_builtin_classes[static_cast<u8>(which)];
    }
    [[nodiscard]] Value global(Value symbol) const;
    ErrorOr<void> set_global(Value symbol, Value);
    [[nodiscard]] Value globals_box(Value symbol) const;
    [[nodiscard]] Value class_of(Value) const;
    [[nodiscard]] bool is_instance_of(Value, Value klass) const;
    // Whether `klass` is `ancestor` or inherits from it.
    [[nodiscard]] bool is_instance_of_class(Value klass, Value ancestor) const;
    [[nodiscard]] Value lookup_method(Value klass, Value selector) const;
    [[nodiscard]] Value lookup_static_method(Value klass, Value selector) const;
    [[nodiscard]] Value true_value() const { return m_true; }
    [[nodiscard]] Value false_value() const { return m_false; }
    [[nodiscard]] Value boolean(bool value) const { return value ? m_true : m_false; }
    [[nodiscard]] bool is_truthy(Value value) const { return !(value.is_nil() || value == m_false); }

    // Object construction (each may collect; keep other values in Handles).
    ErrorOr<Value> make_string(StringView);
    ErrorOr<Value> make_float(double);
    ErrorOr<Value> make_array(u32 capacity);
    ErrorOr<Value> make_map();
    ErrorOr<Value> make_box(Value);
    ErrorOr<Value> make_instance(Value klass);
    // An exception of a built-in class with a message.
    ErrorOr<Value> make_exception(BuiltinClass, StringView message);
    // Convenience for natives: a NativeResult that throws a new exception.
    NativeResult throw_error(BuiltinClass, StringView message);
    template<typename... Ts>
    NativeResult throw_formatted(
        BuiltinClass which, CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        StringBuilder builder;
        (void)builder.try_appendff(format, arguments...);
        return throw_error(which, builder.string_view());
    }

    // Text of a value for printing when no Phantom toString is involved (numbers, strings, ...).
    ErrorOr<void> append_display(StringBuilder&, Value);
    // The class name of a value ("Int", "Point").
    [[nodiscard]] StringView class_name_of(Value) const;

    // For natives that run Phantom code: pushes a frame calling `callee` (a Closure, or a Method
    // with `receiver`) with `arguments`; when it returns, `continuation` runs. Return the
    // NativeResult this gives.
    NativeResult prepare_invoke(
        Value callee, Value receiver, Span<Value const> arguments, NativeContinuation);
    // For natives that block: the thread sleeps until woken; `pending` is its result then. The
    // call (receiver, arguments, method) stays on the thread's stack while it is blocked, so a
    // restart can run it again or throw from it. With WakeUp::CallAgain the native runs again
    // at `wake_time` (or earlier, after wake_native_waiters()) instead of being woken.
    NativeResult block_current_thread(ThreadState, Value waiting_on, u64 wake_time, WakeUp = WakeUp::Resume);
    void wake_thread(Value thread, Value pending);
    // Any host thread may call it: natives blocked with WakeUp::CallAgain run again soon (input
    // arrived); the host should also end its sleep_until.
    void wake_native_waiters() { __atomic_store_n(&m_native_wake_requested, true, __ATOMIC_RELEASE); }
    [[nodiscard]] Value current_thread() const { return m_current_thread; }
    // A new thread calling `closure` with `arguments` (integers or values kept alive elsewhere).
    ErrorOr<Value> spawn_closure(Value closure, Span<Value const> arguments = {});

    // Restart support (vm/Restart.cpp, vm/Scheduler.cpp). The native call a blocked thread is
    // in: its method (nil when unknown) and argument count; none for a thread not in a native.
    struct BlockedCall {
        Value method;
        u32 argument_count {0};
        WakeUp wake_up {WakeUp::Resume};
    };
    [[nodiscard]] Optional<BlockedCall> blocked_call(Value thread) const;
    // Runs the native a blocked thread is in again, with the same arguments.
    ErrorOr<void> call_native_again(Value thread);
    // Throws `exception` from the native call a blocked thread is in (as if the native threw it).
    ErrorOr<void> throw_from_blocked_call(Value thread, Value exception);

    // Ctrl-C for one thread (the object shell, docs/shell.md): throws an `Interrupted` exception
    // with `message` in `thread` where it stands. A runnable thread (paused between time slices)
    // gets it before its next instruction; a thread blocked in sleep, join, Mutex.lock or a
    // native that polls is woken with it; one in Condition.wait takes its mutex back first.
    // Call it between time slices only (Host::at_safepoint, or while run() is not running),
    // never from a native. False when there is nothing to interrupt: the thread has ended, or
    // waits on a condition whose mutex another thread holds, or takes back its mutex after a
    // notification (ask again once it runs).
    ErrorOr<bool> interrupt_thread(Value thread, StringView message = "interrupted"sv);

    // A subsystem's native state, by the key its natives agree on (nullptr until set).
    [[nodiscard]] NativeContext* native_context(StringView key) const;
    // Sets (or replaces) the native state under `key`; the VM owns it from now on.
    ErrorOr<void> set_native_context(StringView key, NonnullOwnPtr<NativeContext>);

    // Native table (rebuilt by name at attach).
    [[nodiscard]] NativeFunction native_function(i32 index) const
    {
        return m_natives[static_cast<usize>(index)].function;
    }
    ErrorOr<i32> register_continuation(NativeContinuation);
    [[nodiscard]] NativeContinuation continuation(i32 index) const
    {
        return m_continuations[static_cast<usize>(index)];
    }

    // Runs one thread until it blocks, ends, or its time slice ends (vm/Interpreter.cpp).
    ErrorOr<void> run_thread(Value thread);

    // A "  at Class.method (file:line)" line per frame of a thread, innermost first.
    ErrorOr<String> stack_trace(Value thread);
    // Prints "Uncaught <Class>: <message>" and the trace through the host.
    void report_uncaught(Value thread, Value exception);

    // Runs a thread to completion on the calling host thread and returns its result; for tests
    // and embedders that call a static method and want the answer (exceptions come back as
    // Error, with the report written to the host's error output).
    ErrorOr<Value> call_static(StringView class_name, StringView method_name);

    // The root object's slots (vm/VirtualMachine.cpp documents each).
    struct RootSlot {
        static constexpr u32 globals = 0;
        static constexpr u32 symbols = 1;
        static constexpr u32 builtins = 2;
        static constexpr u32 threads = 3;
        static constexpr u32 true_object = 4;
        static constexpr u32 false_object = 5;
        static constexpr u32 next_thread_identifier = 6;
        static constexpr u32 main_class = 7;
        static constexpr u32 count = 8;
    };
    [[nodiscard]] ObjectHeader* root() const { return m_root.as_object(); }

    // Interned symbols the interpreter uses for operator sends, looked up once.
    struct Selectors {
#define PHANTOM_ENUMERATE_SELECTORS(S)                                                                       \
    S(add, "+")                                                                                              \
    S(subtract, "-")                                                                                         \
    S(multiply, "*")                                                                                         \
    S(divide, "/")                                                                                           \
    S(modulo, "%")                                                                                           \
    S(negate, "negate")                                                                                      \
    S(bit_and, "&")                                                                                          \
    S(bit_or, "|")                                                                                           \
    S(bit_xor, "^")                                                                                          \
    S(shift_left, "<<")                                                                                      \
    S(shift_right, ">>")                                                                                     \
    S(equal, "==")                                                                                           \
    S(not_equal, "!=")                                                                                       \
    S(less, "<")                                                                                             \
    S(less_equal, "<=")                                                                                      \
    S(greater, ">")                                                                                          \
    S(greater_equal, ">=")                                                                                   \
    S(get_index, "[]")                                                                                       \
    S(set_index, "[]=")                                                                                      \
    S(call, "call")                                                                                          \
    S(to_string, "toString")                                                                                 \
    S(init, "init")                                                                                          \
    S(main, "main")                                                                                          \
    S(message, "message")
#define PHANTOM_SELECTOR_MEMBER(member, text) Value member;
        PHANTOM_ENUMERATE_SELECTORS(PHANTOM_SELECTOR_MEMBER)
#undef PHANTOM_SELECTOR_MEMBER
    };
    [[nodiscard]] Selectors const& selectors() const { return m_selectors; }

private:
    VirtualMachine(Heap&, Host&, VMOptions);
    class Roots;
    friend class Roots;
    friend class Interpreter;
    friend class Loader;

    ErrorOr<void> bootstrap();
    ErrorOr<void> reattach(Span<NativeClass const> extra_classes);
    ErrorOr<void> refresh_cached_roots();
    ErrorOr<void> bind_native_class(NativeClass const&, bool creating);
    ErrorOr<void> add_native_fields(Value klass, Span<StringView const> names);
    ErrorOr<Value> make_class(Value name, Value superclass, ObjectKind instance_kind);
    ErrorOr<Value> new_thread(u32 stack_slots);
    ErrorOr<void> push_entry_frame(
        Value thread, Value method, Value receiver, Value closure, Span<Value const> arguments);
    ErrorOr<Value> pick_runnable();
    // The scheduler's work between time slices (vm/Scheduler.cpp): natives that poll, timers.
    ErrorOr<void> retry_native_waiters();
    ErrorOr<void> complete_native_call(Value thread, NativeResult, Value* call_arguments);

    Heap& m_heap;
    Host& m_host;
    VMOptions m_options;
    RootScanner* m_root_scanner {nullptr};
    // Cached from the heap (refreshed on attach); the scanner reports them as roots.
    Value m_root;
    Value m_builtin_classes[builtin_class_count];
    Value m_true;
    Value m_false;
    Value m_current_thread;
    Selectors m_selectors;
    struct BoundNative {
        NativeFunction function;
    };
    Vector<BoundNative> m_natives;
    Vector<NativeContinuation> m_continuations;
    Vector<String> m_registered_class_names;
    struct NativeContextEntry {
        String key;
        OwnPtr<NativeContext> context;
    };
    Vector<NativeContextEntry> m_native_contexts;
    bool m_safepoint_requested {false};
    bool m_native_wake_requested {false};
    bool m_exit_requested {false};
    int m_exit_status {0};
    u32 m_scheduler_cursor {0};

    // The running thread's registers while a native runs (host pointers, valid only inside
    // run_thread); prepare_invoke and block_current_thread update them.
    struct Registers {
        Value* stack_base {nullptr};
        Value* stack_end {nullptr};
        Value* frame {nullptr}; // the current frame's header slots
        Value* sp {nullptr};
        u32 return_pc {0};
        u32 native_argc {0};
        Value native_method {}; // the native being called (nil in a continuation)
        i64 call_flags {0};     // FrameFlags of the call (constructor, negate_result, ...)
    };
    Registers m_registers;

    // Exception support (vm/Unwind.cpp). Returns true if a handler was found (registers are
    // then set to continue there), false if the exception ends the thread.
    ErrorOr<bool> unwind(Value exception, Value*& frame, Value*& sp, u32& pc);
    // Throws `exception` in a thread that is not running, as if its instruction at `throw_pc` did.
    ErrorOr<void> throw_in_thread(Value thread, Value exception, u32 throw_pc);
    ErrorOr<String> trace_from(Value* frame, u32 pc);
    ErrorOr<void> finish_thread(Value thread, ThreadState, Value result);
    ErrorOr<void> push_frame_at(Value* at, Value callee_method, Value closure, u32 argc, Value* caller_locals,
        u32 return_pc, i64 flags);
};

} // namespace VM
