/*
 * kernel/hosted/HostedWorld.cpp: the hosted port's side of a world: stdout as the VM's
 * console, the program compiled from a .ph file (imports next to it, then the standard
 * library), the disk from `disk=`, and the shutdown signals.
 */
#include <kernel/hal/Block.h>
#include <kernel/hal/Power.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/hosted/HostedPower.h>
#include <kernel/hosted/HostedWorld.h>
#include <tools/phc/SourceFiles.h>
#include <vm/world/World.h>
#include <windowing/DesktopObjects.h>

#include <base/Log.h>

#include <cerrno>
#include <poll.h>
#include <string>
#include <unistd.h>

namespace Hosted {

namespace {

    void write_all(int descriptor, StringView text)
    {
        char const* data = text.characters_without_null_termination();
        usize left = text.length();
        while (left > 0) {
            ssize_t written = ::write(descriptor, data, left);
            if (written < 0 && errno == EINTR)
                continue;
            if (written <= 0)
                return;
            data += written;
            left -= static_cast<usize>(written);
        }
    }

    // Unbuffered: a line the program printed is out of the process before anything else runs.
    // Input is the terminal (or whatever stdin is); at its end reads find nothing for ever.
    class StandardConsole final : public VM::World::Console {
    public:
        void write_output(StringView text) override { write_all(STDOUT_FILENO, text); }
        void write_error(StringView text) override { write_all(STDERR_FILENO, text); }
        usize read_input(Bytes buffer) override
        {
            if (m_ended || buffer.is_empty() || !readable(0))
                return 0;
            ssize_t count = ::read(STDIN_FILENO, buffer.data(), buffer.size());
            if (count <= 0) {
                m_ended = count == 0 || errno != EINTR;
                return 0;
            }
            return static_cast<usize>(count);
        }
        bool input_ended() override { return m_ended; }
        bool wait_for_input(u64 deadline_ns) override
        {
            u64 now = Hal::monotonic_nanoseconds();
            if (m_ended) {
                if (deadline_ns != Hal::no_deadline && deadline_ns > now)
                    Hal::sleep_until(deadline_ns);
                return false;
            }
            int timeout_ms = -1;
            if (deadline_ns != Hal::no_deadline)
                timeout_ms = deadline_ns > now
                    ? static_cast<int>((deadline_ns - now) / Hal::nanoseconds_per_millisecond) + 1
                    : 0;
            return readable(timeout_ms);
        }

    private:
        static bool readable(int timeout_ms)
        {
            pollfd descriptor {STDIN_FILENO, POLLIN, 0};
            return ::poll(&descriptor, 1, timeout_ms) > 0;
        }
        bool m_ended {false};
    };

    class SourceFileProgram final : public VM::World::ProgramSource {
    public:
        explicit SourceFileProgram(StringView path)
            : m_path(path.characters_without_null_termination(), path.length())
        { }

        ErrorOr<VM::ProgramImage> program() override
        {
            std::string text;
            if (!PhantomTools::read_file(m_path, text)) {
                logln("world: cannot read {}", StringView(m_path.data(), m_path.size()));
                return Error::with_message(ErrorCode::NotFound, "The world's program cannot be read."sv);
            }
            Lang::SourceFile file {
                StringView(m_path.data(), m_path.size()), StringView(text.data(), text.size())};
            Lang::Diagnostics diagnostics;
            PhantomTools::HostImportLoader loader(PhantomTools::standard_library_folder());
            Lang::CompileOptions options;
            options.import_loader = &loader;
            // The program may name the world's internal classes (World, for the object shell).
            VM::World::WorldClassNames world_classes(Windowing::desktop_native_classes());
            options.environment = &world_classes;
            auto compiled = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
            if (compiled.is_error() && diagnostics.has_errors()) {
                if (auto rendered = diagnostics.render(); !rendered.is_error())
                    write_all(STDERR_FILENO, rendered.value().view());
            }
            return compiled;
        }

    private:
        std::string m_path;
    };

} // namespace

int run_world(WorldArguments const& arguments)
{
    if (arguments.program_path.is_empty()) {
        logln("world: no program (world=PROGRAM.ph)");
        return 2;
    }
    auto device = Hal::system_block_device();
    if (device.is_error()) {
        logln("world: {}", device.error());
        return 1;
    }
    install_shutdown_signals();
    StandardConsole console;
    SourceFileProgram program(arguments.program_path);
    VM::World::WorldOptions options;
    options.start = arguments.fresh ? VM::World::Start::Fresh : VM::World::Start::ResumeOrFresh;
    options.commit_output = arguments.commit_output;
    // The window system's classes (Window, Desktop...): every hosted world has them, so a
    // world made with a window resumes without one and the other way round. Only a window
    // makes `Desktop.hasScreen()` true (the system world then starts its desktop).
    options.native_classes = Windowing::desktop_native_classes(
        arguments.window ? Windowing::ScreenUse::Shown : Windowing::ScreenUse::Hidden);
    if (arguments.has_snapshot_interval)
        options.snapshot_interval_ns = arguments.snapshot_interval_ms * Hal::nanoseconds_per_millisecond;
    auto result = VM::World::run_world(*device.value(), console, program, options);
    if (result.is_error()) {
        logln("world: {}", result.error());
        return 1;
    }
    Hal::power_off();
}

} // namespace Hosted
