/*
 * vm/world/World.h: a Phantom world: the object VM living in the persistent address space.
 * The same code runs on every port; the port gives it a block device, a console and (for a
 * fresh world only) the program to start.
 *
 *     auto last = TRY(VM::World::run_world(device, console, source, {}));
 *     Hal::power_off();
 *
 * run_world() opens the PAS on the device. On a fresh world (a blank disk, a disk without a
 * world, or Start::Fresh) it creates the VM heap inside the PAS range, loads the program and
 * starts its main thread; on a resumed world it attaches the heap image, rebuilds the VM's
 * native state (vm/Restart.h) and lets the VM threads carry on from their frames. The VM's
 * scheduler runs on one HAL thread, the only member of the PAS's mutator group: it parks
 * between the VM's time slices (VM::Host::at_safepoint), so a snapshot never cuts a bytecode
 * in half. Snapshots are periodic (the PAS thread), taken right after output when
 * `commit_output` is set, and taken last at the orderly shutdown, when run_world() returns.
 * docs/persistence.md ("The world") describes the restart contract.
 *
 * Log lines (stable, tests grep them):
 *     world: fresh                                 a new world was installed
 *     world: resumed after <ms> ms, <n> threads    an old one carries on
 *     world: committed gen=<g>                     a snapshot the world took itself
 *     world: every VM thread has ended             nothing runs any more (the world idles)
 *     world: stopped gen=<g>                       the orderly shutdown's last snapshot
 *     world: rolling back to gen=<g>               the object shell asked for a rollback
 *     world: rolled back to gen=<g> as gen=<n>     the store committed it; the world resumes
 *
 * Every world has the `World` internal class (WorldNatives.h) and reads typed lines from the
 * console on a thread of its own (ConsoleInput.h): the object shell (shell/system.ph) is a
 * world program like any other. A rollback ends the running session, rolls the store back
 * and resumes the rolled-back world in the same process (WorldSession.h).
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/StringView.h>
#include <base/Types.h>
#include <kernel/hal/Block.h>
#include <kernel/persist/PersistentAddressSpace.h>
#include <vm/ClassImage.h>
#include <vm/VirtualMachine.h>
#include <vm/lang/Compiler.h>

namespace VM::World {

// Where the VM heap lives in the PAS: the world header takes page 0, the heap starts at 1 MiB.
constexpr usize default_heap_offset = 1024 * 1024;
// Address space only: a page costs memory when touched and disk when written.
constexpr usize default_heap_size = static_cast<usize>(1) << 30;

// The VM's console: output (Console.print, uncaught-exception reports) and typed input (the
// object shell reads its lines from here). pc: COM1; hosted: the terminal (stdin/stdout).
class Console {
public:
    virtual void write_output(StringView) = 0;
    virtual void write_error(StringView) = 0;
    // Typed bytes, never blocking: how many were moved into `buffer` (0 when none are there).
    virtual usize read_input(Bytes buffer) = 0;
    // Blocks until input may be readable or the deadline passes (false then). The world calls
    // it from a reader thread of its own that never touches persistent memory.
    virtual bool wait_for_input(u64 deadline_ns) = 0;
    // True once the input has ended for good (a closed stdin); a serial line never ends.
    virtual bool input_ended() { return false; }
    // Whether the world writes back what is typed: a serial terminal shows only what the
    // other end sends, a hosted terminal echoes by itself.
    virtual bool echoes_input() const { return false; }

protected:
    ~Console() = default;
};

// The program a fresh world starts; asked only when a world is installed, on the VM's thread.
class ProgramSource {
public:
    virtual ErrorOr<ProgramImage> program() = 0;

protected:
    ~ProgramSource() = default;
};

enum class Start : u8 {
    ResumeOrFresh, // resume the world on the disk, install a fresh one when there is none
    Fresh,         // install a fresh world even over an existing one
};

struct WorldOptions {
    Start start {Start::ResumeOrFresh};
    // Used by a fresh world; a resumed world keeps the placement its header records.
    usize heap_offset {default_heap_offset};
    usize heap_size {default_heap_size};
    // The PAS's periodic snapshots (0: none; then only the fresh, output and last snapshots).
    u64 snapshot_interval_ns {Persist::default_snapshot_interval_ns};
    // Take a snapshot at the first VM safepoint after the program wrote output, so that what
    // was printed is (nearly always) in the world a power cut resumes.
    bool commit_output {false};
    VMOptions vm;
    // Internal classes of other subsystems (the window system, drivers): registered when a
    // world is installed and bound again by name on every resume.
    Span<NativeClass const> native_classes;
    // The VM's host thread (the compiler of a fresh world's program runs there too).
    usize thread_stack_size {8 * 1024 * 1024};
};

// The internal classes every world has (`World`, vm/world/WorldNatives.h) and those of the
// port, by name, for the compiler: a ProgramSource compiling the world's program passes it as
// Lang::CompileOptions::environment so that the program may name them.
class WorldClassNames final : public Lang::NameEnvironment {
public:
    explicit WorldClassNames(Span<NativeClass const> port_classes = {})
        : m_port_classes(port_classes)
    { }
    bool has_class(StringView name) const override;
    bool has_global(StringView) const override { return false; }

private:
    Span<NativeClass const> m_port_classes;
};

// Runs the world until an orderly shutdown is requested (Hal/Power.h), then stops the VM at a
// safepoint and returns the last snapshot; the caller powers off. Returns an error when the
// world cannot be opened, installed or resumed, or the VM fails.
ErrorOr<Persist::GenerationInfo> run_world(
    Hal::BlockDevice&, Console&, ProgramSource&, WorldOptions const& = {});

} // namespace VM::World
