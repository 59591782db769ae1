/*
 * vm/world/World.cpp: run_world() (see World.h): the console reader, then sessions
 * (WorldSession.h) one after the other: the first resumes or installs the world, each later
 * one resumes the world a rollback left on the disk.
 */
#include <base/Log.h>
#include <kernel/hal/Power.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/persist/PersistentStore.h>
#include <vm/world/ConsoleInput.h>
#include <vm/world/World.h>
#include <vm/world/WorldNatives.h>
#include <vm/world/WorldSession.h>

namespace VM::World {

namespace {

    constexpr u64 shutdown_poll_ns = 100 * Hal::nanoseconds_per_millisecond;

    enum class SessionOutcome : u8 {
        Stopped,
        RolledBack,
    };

    // One session on a freshly opened address space; the space is closed when it returns.
    ErrorOr<SessionOutcome> run_session(Hal::BlockDevice& device, Console& console, ConsoleInput& input,
        ProgramSource& source, WorldOptions const& options, Span<NativeClass const> classes,
        StringView resume_prefix, Persist::GenerationInfo& last, u64& rollback_target)
    {
        Hal::ThreadGroup mutators;
        // A snapshot asks the VM to stop at its next safepoint instead of waiting for the end
        // of its time slice. The snapshot thread may start before the session exists.
        Session* published_session = nullptr;
        Persist::AddressSpaceOptions space_options;
        space_options.mutators = &mutators;
        space_options.snapshot_interval_ns = options.snapshot_interval_ns;
        space_options.before_stop_context = &published_session;
        space_options.before_stop = [](void* context) {
            if (auto* session = __atomic_load_n(static_cast<Session**>(context), __ATOMIC_ACQUIRE))
                session->hurry_to_safepoint();
        };
        auto space = TRY(Persist::PersistentAddressSpace::open(device, space_options));

        Session session(*space, console, input, source, options, classes, resume_prefix);
        __atomic_store_n(&published_session, &session, __ATOMIC_RELEASE);
        Hal::ThreadOptions thread_options;
        thread_options.name = "vm"sv;
        thread_options.group = &mutators;
        thread_options.stack_size = options.thread_stack_size;
        auto* thread = TRY(Hal::create_thread(Session::thread_entry, &session, thread_options));

        bool shutdown = false;
        while (!session.finished()) {
            if (Hal::wait_for_shutdown_request(Hal::monotonic_nanoseconds() + shutdown_poll_ns)) {
                shutdown = true;
                break;
            }
        }
        session.request_stop();
        Hal::join_thread(thread);
        // The last snapshot below finds the VM thread gone: nothing to hurry.
        __atomic_store_n(&published_session, static_cast<Session*>(nullptr), __ATOMIC_RELEASE);
        if (session.failed())
            return Error::with_message(ErrorCode::Custom, "The world stopped: its VM failed."sv);
        if (!shutdown && session.rollback_target().has_value()) {
            rollback_target = session.rollback_target().value();
            return SessionOutcome::RolledBack;
        }
        last = TRY(space->shutdown());
        logln("world: stopped gen={}", last.generation);
        return SessionOutcome::Stopped;
    }

    // With the address space closed: a new generation whose content is `generation`'s.
    ErrorOr<Persist::GenerationInfo> roll_back(Hal::BlockDevice& device, u64 generation)
    {
        auto store = TRY(Persist::PersistentStore::open(device));
        auto info = TRY(store->roll_back_to(generation, {Hal::wall_clock_nanoseconds(), 0}));
        logln("world: rolled back to gen={} as gen={}", generation, info.generation);
        return info;
    }

} // namespace

bool WorldClassNames::has_class(StringView name) const
{
    for (auto const& native_class : world_native_classes()) {
        if (native_class.name == name)
            return true;
    }
    for (auto const& native_class : m_port_classes) {
        if (native_class.name == name)
            return true;
    }
    return false;
}

ErrorOr<Persist::GenerationInfo> run_world(
    Hal::BlockDevice& device, Console& console, ProgramSource& source, WorldOptions const& options)
{
    // The port's internal classes, then the world's: the same order in every boot, since the
    // VM numbers natives in registration order.
    Vector<NativeClass> classes;
    for (auto const& native_class : options.native_classes)
        TRY(classes.try_append(native_class));
    for (auto const& native_class : world_native_classes())
        TRY(classes.try_append(native_class));

    ConsoleInput input(console);
    TRY(input.start());

    WorldOptions session_options = options;
    String resume_prefix;
    for (;;) {
        Persist::GenerationInfo last;
        u64 rollback_target = 0;
        auto outcome = TRY(run_session(device, console, input, source, session_options, classes.span(),
            resume_prefix.view(), last, rollback_target));
        if (outcome == SessionOutcome::Stopped)
            return last;
        // What the session ran since its last snapshot is dropped, as after a power cut; the
        // next session resumes the rolled-back generation.
        auto rolled = TRY(roll_back(device, rollback_target));
        resume_prefix = TRY(String::formatted(
            "rolled back to generation {} (now generation {}); ", rollback_target, rolled.generation));
        session_options.start = Start::ResumeOrFresh;
    }
}

} // namespace VM::World
