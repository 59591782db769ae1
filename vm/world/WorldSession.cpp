/*
 * vm/world/WorldSession.cpp: a session of the world (WorldSession.h). The world header at the
 * start of the PAS says whether a world is installed; it is marked installed only after the
 * fresh world's first snapshot content is complete, so a cut during installation installs it
 * again. Everything that touches the PAS runs on the VM's host thread (a mutator), including
 * the installation, the re-attachment and the requests of the World natives: a periodic
 * snapshot waits until that thread parks.
 */
#include <base/Log.h>
#include <kernel/hal/Time.h>
#include <vm/Collections.h>
#include <vm/HotReload.h>
#include <vm/Object.h>
#include <vm/natives/Natives.h>
#include <vm/world/Evaluator.h>
#include <vm/world/WorldNatives.h>
#include <vm/world/WorldSession.h>

namespace VM::World {

namespace {

    constexpr u64 world_magic = 0x444C'524F'5748'5000ull; // "\0PHWORLD"
    constexpr u64 world_version = 1;
    // The wake time of a thread blocked in a World native: never, in practice (below the
    // largest integer a Value holds, with room for the shifts a resume adds).
    constexpr u64 blocked_for_good = static_cast<u64>(1) << 61;

    constexpr StringView input_marker = "$world.input"sv;
    constexpr StringView request_marker = "$world.request"sv;
    constexpr StringView resume_marker = "$world.resume"sv;
    // The global naming the thread that reads the console: Ctrl-C interrupts its evaluation.
    constexpr StringView console_thread_global = "$world.console"sv;

    // Page 0 of the PAS.
    struct WorldHeader {
        u64 magic;
        u64 version;
        u64 heap_offset;
        u64 heap_size;
        u64 boots;
        // When the VM last passed a safepoint: a resume reports the wall-clock time since, and
        // shifts sleeping threads' deadlines (monotonic, which restarts with the machine).
        u64 last_running_wall_ns;
        u64 last_running_monotonic_ns;
    };

    WorldHeader& header_of(Persist::PersistentAddressSpace& space) { return *space.at<WorldHeader>(0); }

    ThreadState state_of(Value thread)
    {
        return static_cast<ThreadState>(thread.as_object()->slots()[ThreadSlot::state].as_integer());
    }

} // namespace

Session::Session(Persist::PersistentAddressSpace& space, Console& console, ConsoleInput& input,
    ProgramSource& source, WorldOptions const& options, Span<NativeClass const> classes,
    StringView resume_prefix)
    : m_space(space)
    , m_console(console)
    , m_input(input)
    , m_source(source)
    , m_options(options)
    , m_classes(classes)
{
    if (auto prefix = String::from_view(resume_prefix); !prefix.is_error())
        m_resume_prefix = prefix.release_value();
}

void Session::write_output(StringView text)
{
    m_console.write_output(text);
    if (m_options.commit_output && m_vm) {
        m_output_pending = true;
        m_vm->request_safepoint();
    }
}

void Session::write_error(StringView text) { m_console.write_error(text); }

void Session::sleep_until(u64 deadline)
{
    note_running();
    // Hot reload runs migrate() through the scheduler while the shell waits for its answer:
    // run() must come back instead of sleeping on the blocked threads.
    if (m_serving) {
        m_vm->request_safepoint();
        return;
    }
    // An Event, not a plain sleep: the shutdown and typed lines wake a sleeping VM at once.
    // Blocked here the thread counts as parked, between time slices.
    (void)m_wakeup.wait(deadline);
}

void Session::at_safepoint()
{
    note_running();
    if (m_input.has_news() && m_vm) {
        if (deliver_input().is_error())
            logln("world: out of memory delivering console input");
    }
    Hal::safepoint();
}

void Session::thread_entry(void* argument)
{
    auto& session = *static_cast<Session*>(argument);
    if (auto result = session.boot_and_run(); result.is_error()) {
        logln("world: {}", result.error());
        __atomic_store_n(&session.m_failed, true, __ATOMIC_RELEASE);
    }
    session.m_input.set_listener(nullptr);
    __atomic_store_n(&session.m_finished, true, __ATOMIC_RELEASE);
}

void Session::request_stop()
{
    __atomic_store_n(&m_stopping, true, __ATOMIC_RELEASE);
    if (auto* vm = __atomic_load_n(&m_vm_published, __ATOMIC_ACQUIRE))
        vm->request_safepoint();
    m_wakeup.signal();
}

void Session::hurry_to_safepoint()
{
    if (auto* vm = __atomic_load_n(&m_vm_published, __ATOMIC_ACQUIRE))
        vm->request_safepoint();
}

void Session::note_running()
{
    auto& world = header_of(m_space);
    world.last_running_wall_ns = Hal::wall_clock_nanoseconds();
    world.last_running_monotonic_ns = Hal::monotonic_nanoseconds();
}

ErrorOr<void> Session::boot()
{
    auto& world = header_of(m_space);
    bool fresh
        = m_options.start == Start::Fresh || world.magic != world_magic || world.version != world_version;
    if (fresh)
        return install();
    u64 now = Hal::wall_clock_nanoseconds();
    u64 away_ms = now > world.last_running_wall_ns
        ? (now - world.last_running_wall_ns) / Hal::nanoseconds_per_millisecond
        : 0;
    RestartOptions restart_options;
    restart_options.vm = m_options.vm;
    restart_options.extra_classes = m_classes;
    // Sleeping threads sleep out the rest of their time: restart() moves their deadlines from
    // the previous run's monotonic clock (as of its last safepoint) onto this one's.
    restart_options.previous_monotonic_ns = world.last_running_monotonic_ns;
    restart_options.downtime_ms = away_ms;
    auto restarted = TRY(restart(
        m_space.at<void>(world.heap_offset), static_cast<usize>(world.heap_size), *this, restart_options));
    m_heap = move(restarted.heap);
    m_vm = move(restarted.vm);
    TRY(attach_world_support());
    world.boots++;
    note_running();
    StringBuilder note;
    TRY(note.try_appendff("{}resumed after {} ms at generation {}", m_resume_prefix.view(), away_ms,
        m_space.committed_generation()));
    m_resume_note = TRY(note.to_string());
    wake_resumed_threads();
    logln("world: resumed after {} ms, {} threads", away_ms, restarted.threads.size());
    return {};
}

// The continuation World.run() uses must have the same index in every boot of the world (a
// frame waiting for it records the index): it is registered right after the built-in ones.
ErrorOr<void> Session::attach_world_support()
{
    // The first one is World.run's.
    for (auto continuation : world_continuations()) {
        auto index = TRY(m_vm->register_continuation(continuation));
        if (m_run_continuation < 0)
            m_run_continuation = index;
    }
    return {};
}

// A fresh world: the heap, the program, its main thread, then the first snapshot.
ErrorOr<void> Session::install()
{
    auto& world = header_of(m_space);
    world.magic = 0;
    if (m_options.heap_offset < sizeof(WorldHeader) || m_options.heap_offset % Hal::page_size != 0
        || m_options.heap_offset + m_options.heap_size > m_space.size())
        return Error::with_message(
            ErrorCode::InvalidArgument, "The VM heap does not fit in the persistent address space."sv);
    auto program = TRY(m_source.program());
    m_heap = TRY(Heap::create(m_space.at<void>(m_options.heap_offset), m_options.heap_size));
    m_vm = TRY(VirtualMachine::create(*m_heap, *this, m_options.vm));
    TRY(attach_world_support());
    for (auto const& native_class : m_classes)
        TRY(m_vm->register_native_class(native_class));
    String message;
    if (auto loaded = m_vm->load(program, &message); loaded.is_error()) {
        if (!message.is_empty())
            logln("world: the program was rejected: {}", message.view());
        return loaded.release_error();
    }
    Value main_class = m_vm->root()->slots()[VirtualMachine::RootSlot::main_class];
    if (!is_kind(main_class, ObjectKind::Symbol))
        return Error::with_message(ErrorCode::NotFound, "The program names no main class."sv);
    (void)TRY(m_vm->spawn_static(text_of(main_class), "main"sv));
    world.version = world_version;
    world.heap_offset = m_options.heap_offset;
    world.heap_size = m_options.heap_size;
    world.boots = 1;
    note_running();
    __atomic_store_n(&world.magic, world_magic, __ATOMIC_RELEASE);
    logln("world: fresh");
    // Committed before main runs a single bytecode: a cut from now on resumes main.
    return commit();
}

ErrorOr<void> Session::commit()
{
    auto info = TRY(m_space.snapshot());
    logln("world: committed gen={}", info.generation);
    return {};
}

// Waits (parked) until the shutdown asks the VM to stop.
void Session::idle()
{
    while (!stopping())
        (void)m_wakeup.wait(Hal::no_deadline);
}

ErrorOr<void> Session::boot_and_run()
{
    m_input.set_listener(&m_wakeup);
    TRY(boot());
    __atomic_store_n(&m_vm_published, m_vm.ptr(), __ATOMIC_RELEASE);
    for (;;) {
        if (stopping())
            return {};
        TRY(m_vm->run());
        m_vm->clear_safepoint_request();
        if (stopping())
            return {};
        // A snapshot may be waiting for this thread (hurry_to_safepoint): park for it now.
        at_safepoint();
        if (m_requests_posted) {
            m_requests_posted = false;
            TRY(serve_requests());
            if (m_rollback_target.has_value())
                return {};
            continue;
        }
        if (m_output_pending) {
            m_output_pending = false;
            TRY(commit());
            continue;
        }
        if (m_vm->exit_requested()) {
            logln("world: the program exited; the world idles");
            idle();
            return {};
        }
        if (m_vm->threads().is_empty()) {
            logln("world: every VM thread has ended");
            idle();
            return {};
        }
        // Stopped for a request that is gone (an output commit raced with the run).
    }
}

ErrorOr<Value> Session::marker(StringView name) { return m_vm->intern(name); }

bool Session::waits_on(Value thread, StringView marker_name) const
{
    if (state_of(thread) != ThreadState::Sleeping)
        return false;
    Value waiting_on = thread.as_object()->slots()[ThreadSlot::waiting_on];
    return is_kind(waiting_on, ObjectKind::Symbol) && text_of(waiting_on) == marker_name;
}

void Session::wake_resumed_threads()
{
    for (auto thread : m_vm->threads()) {
        if (waits_on(thread, input_marker) || waits_on(thread, request_marker)
            || waits_on(thread, resume_marker)) {
            m_heap->write(thread.as_object(), ThreadSlot::pending, Value::nil());
            m_vm->wake_thread(thread, m_vm->true_value());
        }
    }
}

// Whether a frame of World.run's continuation is on the thread's stack: it runs an input.
bool Session::evaluating(Value thread) const
{
    auto* object = thread.as_object();
    Value stack = object->slots()[ThreadSlot::stack];
    Value frame_index = object->slots()[ThreadSlot::frame];
    if (!is_kind(stack, ObjectKind::Stack) || !frame_index.is_integer() || m_run_continuation < 0)
        return false;
    Value* base = stack.as_object()->slots();
    i64 slot_count = stack.as_object()->slot_count;
    i64 index = frame_index.as_integer();
    // Each caller frame lies below its callee; the bound keeps a damaged chain from looping.
    for (u32 depth = 0; index >= 0 && index + FrameSlot::count <= slot_count && depth < slot_count; ++depth) {
        Value* frame = base + index;
        Value flags = frame[FrameSlot::flags];
        if (flags.is_integer() && (flags.as_integer() & FrameFlags::continuation)
            && ((flags.as_integer() >> 8) & 0xffffff) == m_run_continuation)
            return true;
        Value caller = frame[FrameSlot::caller_frame];
        if (!caller.is_integer() || caller.as_integer() >= index)
            return false;
        index = caller.as_integer();
    }
    return false;
}

ErrorOr<void> Session::interrupt_evaluation()
{
    auto name = TRY(marker(console_thread_global));
    Value thread = m_vm->global(name);
    if (!is_kind(thread, ObjectKind::Thread) || !evaluating(thread))
        return {};
    // Inside an input, a wait for a World request (a nested compile or snapshot) is left alone:
    // its answer is on the way.
    if (waits_on(thread, request_marker) || waits_on(thread, input_marker) || waits_on(thread, resume_marker))
        return {};
    i64 identifier = thread.as_object()->slots()[ThreadSlot::identifier].as_integer();
    if (TRY(m_vm->interrupt_thread(thread, "Ctrl-C stopped the input"sv)))
        logln("world: interrupted thread {}", identifier);
    return {};
}

ErrorOr<void> Session::deliver_input()
{
    m_input.clear_news();
    if (m_input.take_interrupt())
        TRY(interrupt_evaluation());
    for (auto thread : m_vm->threads()) {
        if (!waits_on(thread, input_marker))
            continue;
        String line;
        auto taken = m_input.take_line(line);
        if (taken == ConsoleInput::Taken::Nothing)
            return {};
        Handle keep(*m_heap, thread);
        Value answer
            = taken == ConsoleInput::Taken::Line ? TRY(m_vm->make_string(line.view())) : Value::nil();
        m_vm->wake_thread(keep.value(), answer);
    }
    return {};
}

NativeResult Session::read_line(VirtualMachine& vm)
{
    // The thread reading the console is the one Ctrl-C interrupts.
    auto name = marker(console_thread_global);
    if (name.is_error())
        return {NativeOutcome::Throw, Value::nil()};
    if (vm.global(name.value()) != vm.current_thread()
        && vm.set_global(name.value(), vm.current_thread()).is_error())
        return {NativeOutcome::Throw, Value::nil()};
    String line;
    switch (m_input.take_line(line)) {
    case ConsoleInput::Taken::Line:
        return returning(vm.make_string(line.view()));
    case ConsoleInput::Taken::Ended:
        return returning(Value::nil());
    case ConsoleInput::Taken::Nothing:
        break;
    }
    auto waiting_on = marker(input_marker);
    if (waiting_on.is_error())
        return {NativeOutcome::Throw, Value::nil()};
    return vm.block_current_thread(ThreadState::Sleeping, waiting_on.value(), blocked_for_good);
}

NativeResult Session::wait_for_resume(VirtualMachine& vm)
{
    auto waiting_on = marker(resume_marker);
    if (waiting_on.is_error())
        return {NativeOutcome::Throw, Value::nil()};
    return vm.block_current_thread(ThreadState::Sleeping, waiting_on.value(), blocked_for_good);
}

NativeResult Session::post_request(VirtualMachine& vm, RequestKind kind, Value argument)
{
    Handle keep_argument(vm.heap(), argument);
    auto request = vm.make_array(2);
    auto waiting_on = marker(request_marker);
    if (request.is_error() || waiting_on.is_error())
        return {NativeOutcome::Throw, Value::nil()};
    Handle keep_request(vm.heap(), request.value());
    if (array_push(vm, request.value(), Value::integer(static_cast<i64>(kind))).is_error()
        || array_push(vm, keep_request.value(), keep_argument.value()).is_error())
        return {NativeOutcome::Throw, Value::nil()};
    vm.heap().write(vm.current_thread().as_object(), ThreadSlot::pending, keep_request.value());
    m_requests_posted = true;
    vm.request_safepoint();
    return vm.block_current_thread(ThreadState::Sleeping, waiting_on.value(), blocked_for_good);
}

ErrorOr<void> Session::serve_requests()
{
    // The threads first: serving may start and end threads (hot reload's migrate()).
    Vector<Value> waiting;
    for (auto thread : m_vm->threads()) {
        if (waits_on(thread, request_marker))
            TRY(waiting.try_append(thread));
    }
    for (auto thread : waiting) {
        Handle keep(*m_heap, thread);
        // Kept alive while it is served: the thread lets go of it now.
        Handle request_handle(*m_heap, thread.as_object()->slots()[ThreadSlot::pending]);
        Value request = request_handle.value();
        m_heap->write(thread.as_object(), ThreadSlot::pending, Value::nil());
        if (!is_kind(request, ObjectKind::Array) || array_length(request) != 2) {
            m_vm->wake_thread(thread, Value::nil());
            continue;
        }
        auto kind = static_cast<RequestKind>(array_elements(request)[0].as_integer());
        m_serving = true;
        auto answer = serve(kind, array_elements(request)[1]);
        m_serving = false;
        m_vm->clear_safepoint_request();
        if (answer.is_error() && answer.error().code() == ErrorCode::OutOfMemory)
            return answer.release_error();
        if (m_rollback_target.has_value())
            return {};
        Value result;
        if (answer.is_error())
            result = TRY(m_vm->make_string(answer.error().message()));
        else
            result = answer.value();
        m_vm->wake_thread(keep.value(), result);
    }
    return {};
}

ErrorOr<Value> Session::serve(RequestKind kind, Value argument)
{
    switch (kind) {
    case RequestKind::Compile: {
        if (!is_kind(argument, ObjectKind::String))
            return m_vm->make_string("World.compile expects the source text"sv);
        auto source = TRY(String::from_view(text_of(argument)));
        auto prepared = TRY(prepare_input(*m_vm, source.view()));
        if (prepared.code.is_nil())
            return m_vm->make_string(prepared.errors.view());
        return prepared.code;
    }
    case RequestKind::Snapshot: {
        auto info = m_space.snapshot();
        if (info.is_error())
            return m_vm->make_string(info.error().message());
        logln("world: committed gen={}", info.value().generation);
        auto result = TRY(m_vm->make_array(3));
        Handle keep(*m_heap, result);
        TRY(array_push(*m_vm, result, Value::integer(static_cast<i64>(info.value().generation))));
        TRY(array_push(*m_vm, keep.value(), Value::integer(static_cast<i64>(info.value().pause_ns / 1000))));
        TRY(array_push(*m_vm, keep.value(), Value::integer(static_cast<i64>(info.value().pages_written))));
        return keep.value();
    }
    case RequestKind::RollBack: {
        if (!argument.is_integer() || argument.as_integer() < 0)
            return m_vm->make_string("rollback expects a generation number"sv);
        u64 generation = static_cast<u64>(argument.as_integer());
        auto kept = TRY(m_space.store().generations());
        bool found = false;
        StringBuilder listing;
        for (auto const& info : kept) {
            found = found || info.generation == generation;
            TRY(listing.try_appendff("{}{}", listing.is_empty() ? ""sv : " "sv, info.generation));
        }
        if (!found) {
            StringBuilder message;
            TRY(message.try_appendff(
                "generation {} is not kept; the kept ones are {}", generation, listing.string_view()));
            return m_vm->make_string(message.string_view());
        }
        logln("world: rolling back to gen={}", generation);
        m_rollback_target = generation;
        return Value::nil();
    }
    }
    return m_vm->make_string("unknown world request"sv);
}

} // namespace VM::World
