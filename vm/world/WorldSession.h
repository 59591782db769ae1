/*
 * vm/world/WorldSession.h: one run of a world over an open persistent address space: the VM's
 * host (console, clock, safepoints), its boot (install or resume), its run loop on the VM's
 * host thread, and the services the `World` internal class (WorldNatives.cpp) offers the
 * object shell: console lines, evaluation of inputs, snapshots, rollback.
 *
 * run_world() (World.cpp) starts a session on a HAL thread; the session ends at the orderly
 * shutdown, when its VM fails, or when a rollback was asked for: then run_world closes the
 * address space, rolls the store back and starts a new session on the rolled-back world.
 *
 * Natives never do the heavy work inside the interpreter. A native that needs the world (a
 * compile that may hot-reload classes, a snapshot, a rollback) records the request in its
 * green thread's `pending` slot, blocks that thread (Sleeping, waiting on a marker symbol)
 * and asks for a safepoint; the session serves the request when the VM's run() has returned,
 * where no thread is inside the interpreter, and wakes the thread with the answer. A thread
 * found blocked that way in a resumed world (the request was cut off, or the snapshot was
 * taken while it waited) is woken with `true`: "the world has just resumed".
 *
 * Ctrl-C on the console interrupts the console's evaluation: the thread that last read a
 * console line (World.readLine; kept in the hidden global `$world.console`, so it persists)
 * gets an `Interrupted` exception (VirtualMachine::interrupt_thread) at the next time-slice
 * boundary, but only while it is inside World.run, evaluating an input: the shell's own code
 * and its waits for lines and requests are never interrupted.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/OwnPtr.h>
#include <base/String.h>
#include <base/Vector.h>
#include <kernel/persist/PersistentAddressSpace.h>
#include <vm/HalClockHost.h>
#include <vm/Restart.h>
#include <vm/VirtualMachine.h>
#include <vm/world/ConsoleInput.h>
#include <vm/world/World.h>

namespace VM::World {

// What a green thread blocked in a World native waits for.
enum class RequestKind : u8 {
    Compile,  // argument: the source text; answer: the input's main Method, or error text
    Snapshot, // answer: [generation, pause in microseconds, pages written], or error text
    RollBack, // argument: the generation; answer only on error (text)
};

class Session final : public HalClockHost {
public:
    Session(Persist::PersistentAddressSpace&, Console&, ConsoleInput&, ProgramSource&, WorldOptions const&,
        Span<NativeClass const> classes, StringView resume_prefix);

    // The session of the VM a World native runs in. Only run_world registers the World class,
    // always with a Session as the VM's host, so the cast is sound.
    static Session& of(VirtualMachine& vm) { return static_cast<Session&>(vm.host()); }

    // Host
    void write_output(StringView) override;
    void write_error(StringView) override;
    void sleep_until(u64 deadline) override;
    void at_safepoint() override;

    static void thread_entry(void* session);
    // From the shutdown side: the VM stops at its next safepoint (or wakes up) and returns.
    void request_stop();
    // From a snapshot's thread: the VM leaves run() at its next safepoint and parks there.
    void hurry_to_safepoint();
    [[nodiscard]] bool failed() const { return __atomic_load_n(&m_failed, __ATOMIC_ACQUIRE); }
    // The session's thread has returned on its own (a rollback or a failure).
    [[nodiscard]] bool finished() const { return __atomic_load_n(&m_finished, __ATOMIC_ACQUIRE); }
    // The generation a served rollback request asks for.
    [[nodiscard]] Optional<u64> rollback_target() const { return m_rollback_target; }

    // For the World natives (the VM's thread).
    Persist::PersistentAddressSpace& space() { return m_space; }
    StringView resume_note() const { return m_resume_note.view(); }
    // World.readLine(): a line at once when one is queued (nil when the input has ended),
    // else blocks the current green thread until one comes.
    NativeResult read_line(VirtualMachine&);
    // Blocks the current green thread until the world resumes (after the input ended).
    NativeResult wait_for_resume(VirtualMachine&);
    NativeResult post_request(VirtualMachine&, RequestKind, Value argument);

private:
    ErrorOr<void> boot();
    ErrorOr<void> install();
    ErrorOr<void> attach_world_support();
    ErrorOr<void> boot_and_run();
    ErrorOr<void> commit();
    ErrorOr<void> serve_requests();
    ErrorOr<Value> serve(RequestKind, Value argument);
    ErrorOr<void> deliver_input();
    ErrorOr<void> interrupt_evaluation();
    bool evaluating(Value thread) const;
    void wake_resumed_threads();
    void idle();
    void note_running();
    bool stopping() const { return __atomic_load_n(&m_stopping, __ATOMIC_ACQUIRE); }
    ErrorOr<Value> marker(StringView name);
    bool waits_on(Value thread, StringView marker_name) const;

    Persist::PersistentAddressSpace& m_space;
    Console& m_console;
    ConsoleInput& m_input;
    ProgramSource& m_source;
    WorldOptions m_options;
    Span<NativeClass const> m_classes; // the port's and the world's internal classes, in order
    String m_resume_prefix;
    String m_resume_note;
    // The VM goes away before its heap.
    OwnPtr<Heap> m_heap;
    OwnPtr<VirtualMachine> m_vm;
    VirtualMachine* m_vm_published {nullptr};
    Hal::Event m_wakeup;
    Optional<u64> m_rollback_target;
    // The continuation of World.run: a frame carrying it means "an input is being evaluated".
    i32 m_run_continuation {-1};
    // Only the VM's thread touches these.
    bool m_output_pending {false};
    bool m_requests_posted {false};
    bool m_serving {false};
    // Across threads.
    bool m_stopping {false};
    bool m_failed {false};
    bool m_finished {false};
};

} // namespace VM::World
