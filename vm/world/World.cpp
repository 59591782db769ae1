/*
 * vm/world/World.cpp: run_world() (see World.h). The world header at the start of the PAS
 * says whether a world is installed; it is marked installed only after the fresh world's
 * first snapshot content is complete, so a cut during installation installs it again.
 * Everything that touches the PAS runs on the VM's host thread (a mutator), including the
 * installation and the re-attachment: a periodic snapshot waits until that thread parks.
 */
#include <base/Log.h>
#include <kernel/hal/Power.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <vm/HalClockHost.h>
#include <vm/Object.h>
#include <vm/Restart.h>
#include <vm/world/World.h>

namespace VM::World {

namespace {

    constexpr u64 world_magic = 0x444C'524F'5748'5000ull; // "\0PHWORLD"
    constexpr u64 world_version = 1;
    constexpr u64 shutdown_poll_ns = 100 * Hal::nanoseconds_per_millisecond;

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

    class Runner final : public HalClockHost {
    public:
        Runner(Persist::PersistentAddressSpace& space, Console& console, ProgramSource& source,
            WorldOptions const& options)
            : m_space(space)
            , m_console(console)
            , m_source(source)
            , m_options(options)
        { }

        // Host
        void write_output(StringView text) override
        {
            m_console.write_output(text);
            if (m_options.commit_output && m_vm) {
                m_output_pending = true;
                m_vm->request_safepoint();
            }
        }
        void write_error(StringView text) override { m_console.write_error(text); }
        void sleep_until(u64 deadline) override
        {
            note_running();
            // An Event, not a plain sleep: the shutdown wakes a sleeping VM at once. Blocked
            // here the thread counts as parked, between time slices.
            (void)m_wakeup.wait(deadline);
        }
        void at_safepoint() override
        {
            note_running();
            Hal::safepoint();
        }

        static void thread_entry(void* argument)
        {
            auto& runner = *static_cast<Runner*>(argument);
            if (auto result = runner.boot_and_run(); result.is_error()) {
                logln("world: {}", result.error());
                __atomic_store_n(&runner.m_failed, true, __ATOMIC_RELEASE);
            }
        }

        // From the shutdown side: the VM stops at its next safepoint (or wakes up) and returns.
        void request_stop()
        {
            __atomic_store_n(&m_stopping, true, __ATOMIC_RELEASE);
            if (auto* vm = __atomic_load_n(&m_vm_published, __ATOMIC_ACQUIRE))
                vm->request_safepoint();
            m_wakeup.signal();
        }
        bool failed() const { return __atomic_load_n(&m_failed, __ATOMIC_ACQUIRE); }

    private:
        bool stopping() const { return __atomic_load_n(&m_stopping, __ATOMIC_ACQUIRE); }
        WorldHeader& header() const { return *m_space.at<WorldHeader>(0); }
        void note_running()
        {
            auto& world = header();
            world.last_running_wall_ns = Hal::wall_clock_nanoseconds();
            world.last_running_monotonic_ns = Hal::monotonic_nanoseconds();
        }

        // A sleeping thread sleeps out the rest of its time: its deadline was on the previous
        // run's monotonic clock, measured from the last safepoint that run passed.
        void rebase_sleepers(Vector<ThreadInfo> const& threads)
        {
            u64 last = header().last_running_monotonic_ns;
            u64 now = Hal::monotonic_nanoseconds();
            for (auto const& info : threads) {
                if (info.state != ThreadState::Sleeping)
                    continue;
                Value& wake = info.thread.as_object()->slots()[ThreadSlot::wake_time];
                if (!wake.is_integer())
                    continue;
                u64 deadline = static_cast<u64>(wake.as_integer());
                u64 left = deadline > last ? deadline - last : 0;
                wake = Value::integer(static_cast<i64>(now + left));
            }
        }

        ErrorOr<void> boot()
        {
            auto& world = header();
            bool fresh = m_options.start == Start::Fresh || world.magic != world_magic
                || world.version != world_version;
            if (fresh)
                return install();
            u64 now = Hal::wall_clock_nanoseconds();
            u64 away_ms = now > world.last_running_wall_ns
                ? (now - world.last_running_wall_ns) / Hal::nanoseconds_per_millisecond
                : 0;
            RestartOptions restart_options;
            restart_options.vm = m_options.vm;
            restart_options.extra_classes = m_options.native_classes;
            auto restarted = TRY(restart(m_space.at<void>(world.heap_offset),
                static_cast<usize>(world.heap_size), *this, restart_options));
            m_heap = move(restarted.heap);
            m_vm = move(restarted.vm);
            rebase_sleepers(restarted.threads);
            world.boots++;
            note_running();
            logln("world: resumed after {} ms, {} threads", away_ms, restarted.threads.size());
            return {};
        }

        // A fresh world: the heap, the program, its main thread, then the first snapshot.
        ErrorOr<void> install()
        {
            auto& world = header();
            world.magic = 0;
            if (m_options.heap_offset < sizeof(WorldHeader) || m_options.heap_offset % Hal::page_size != 0
                || m_options.heap_offset + m_options.heap_size > m_space.size())
                return Error::with_message(ErrorCode::InvalidArgument,
                    "The VM heap does not fit in the persistent address space."sv);
            auto program = TRY(m_source.program());
            m_heap = TRY(Heap::create(m_space.at<void>(m_options.heap_offset), m_options.heap_size));
            m_vm = TRY(VirtualMachine::create(*m_heap, *this, m_options.vm));
            for (auto const& native_class : m_options.native_classes)
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

        ErrorOr<void> commit()
        {
            auto info = TRY(m_space.snapshot());
            logln("world: committed gen={}", info.generation);
            return {};
        }

        // Waits (parked) until the shutdown asks the VM to stop.
        void idle()
        {
            while (!stopping())
                (void)m_wakeup.wait(Hal::no_deadline);
        }

        ErrorOr<void> boot_and_run()
        {
            TRY(boot());
            __atomic_store_n(&m_vm_published, m_vm.ptr(), __ATOMIC_RELEASE);
            for (;;) {
                if (stopping())
                    return {};
                TRY(m_vm->run());
                m_vm->clear_safepoint_request();
                if (stopping())
                    return {};
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

        Persist::PersistentAddressSpace& m_space;
        Console& m_console;
        ProgramSource& m_source;
        WorldOptions m_options;
        // The VM goes away before its heap.
        OwnPtr<Heap> m_heap;
        OwnPtr<VirtualMachine> m_vm;
        VirtualMachine* m_vm_published {nullptr};
        Hal::Event m_wakeup;
        bool m_output_pending {false}; // only the VM's thread touches it
        bool m_stopping {false};
        bool m_failed {false};
    };

} // namespace

ErrorOr<Persist::GenerationInfo> run_world(
    Hal::BlockDevice& device, Console& console, ProgramSource& source, WorldOptions const& options)
{
    Hal::ThreadGroup mutators;
    Persist::AddressSpaceOptions space_options;
    space_options.mutators = &mutators;
    space_options.snapshot_interval_ns = options.snapshot_interval_ns;
    auto space = TRY(Persist::PersistentAddressSpace::open(device, space_options));

    Runner runner(*space, console, source, options);
    Hal::ThreadOptions thread_options;
    thread_options.name = "vm"sv;
    thread_options.group = &mutators;
    thread_options.stack_size = options.thread_stack_size;
    auto* thread = TRY(Hal::create_thread(Runner::thread_entry, &runner, thread_options));

    while (!Hal::wait_for_shutdown_request(Hal::monotonic_nanoseconds() + shutdown_poll_ns)) {
        if (runner.failed())
            break;
    }
    runner.request_stop();
    Hal::join_thread(thread);
    if (runner.failed())
        return Error::with_message(ErrorCode::Custom, "The world stopped: its VM failed."sv);
    auto info = TRY(space->shutdown());
    logln("world: stopped gen={}", info.generation);
    return info;
}

} // namespace VM::World
