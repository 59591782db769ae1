/*
 * kernel/pc/world/PcWorld.cpp: start_world() (PcWorld.h), modelled on the hosted port's
 * kernel/hosted/HostedWorld.cpp: the same vm/world code, with the console, the program and
 * the disk of this machine.
 */
#include <base/Log.h>
#include <kernel/hal/Block.h>
#include <kernel/hal/Power.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/KernelLog.h>
#include <kernel/pc/boot/BootInformation.h>
#include <kernel/pc/devices/SerialConsoleInput.h>
#include <kernel/pc/world/PcWorld.h>
#include <kernel/pc/world/WorldImages.h>
#include <vm/ClassImage.h>
#include <vm/world/World.h>
#include <windowing/DesktopObjects.h>

namespace Kernel {

namespace {

    constexpr StringView default_world_name = "system"sv;

    // COM1: output through the kernel log's writer (whole writes, never inside a log line),
    // input from the UART's receive interrupt. A serial line echoes nothing by itself, so the
    // world's line editor echoes what it accepts.
    class SerialConsole final : public VM::World::Console {
    public:
        ErrorOr<void> initialize() { return m_input.initialize(); }

        void write_output(StringView text) override { write_console_text(text); }
        void write_error(StringView text) override { write_console_text(text); }
        usize read_input(Bytes buffer) override { return buffer.is_empty() ? 0 : m_input.read(buffer); }
        bool wait_for_input(u64 deadline_ns) override { return m_input.wait_until_readable(deadline_ns); }
        bool echoes_input() const override { return true; }

    private:
        SerialConsoleInput m_input;
    };

    // The program of a fresh world: an image the build embedded, named on the command line.
    class EmbeddedProgram final : public VM::World::ProgramSource {
    public:
        explicit EmbeddedProgram(StringView name)
            : m_name(name)
        { }

        ErrorOr<VM::ProgramImage> program() override
        {
            auto image = find_world_image(m_name);
            if (!image.has_value()) {
                StringBuilder names;
                append_world_image_names(names);
                logln("world: no embedded world named '{}'; the kernel has: {}", m_name, names.string_view());
                return Error::with_message(
                    ErrorCode::NotFound, "The world named on the command line is not in the kernel."sv);
            }
            String message;
            auto program = VM::parse_program(*image, &message);
            if (program.is_error())
                logln("world: the embedded image '{}' is damaged: {}", m_name, message.view());
            else
                logln("world: installing the embedded program '{}' ({} bytes)", m_name, image->size());
            return program;
        }

    private:
        StringView m_name;
    };

    struct WorldArguments {
        StringView command_line;
        StringView world_name {default_world_name};
        VM::World::WorldOptions options;
    };

    bool has_word(StringView command_line, StringView word)
    {
        usize start = 0;
        while (start < command_line.length()) {
            usize end = start;
            while (end < command_line.length() && command_line[end] != ' ')
                ++end;
            if (command_line.substring_view(start, end - start) == word)
                return true;
            start = end + 1;
        }
        return false;
    }

    Optional<u64> parse_decimal(StringView text)
    {
        if (text.is_empty() || text.length() > 15)
            return {};
        u64 value = 0;
        for (usize i = 0; i < text.length(); ++i) {
            if (text[i] < '0' || text[i] > '9')
                return {};
            value = value * 10 + static_cast<u64>(text[i] - '0');
        }
        return value;
    }

    WorldArguments s_arguments;

    [[noreturn]] void idle_until_power_button(StringView why)
    {
        logln("world: {}; idling until the power button", why);
        Hal::wait_for_shutdown_request();
        logln("shutdown requested; nothing to save");
        Hal::power_off();
    }

    void world_thread(void*)
    {
        auto& arguments = s_arguments;
        auto device = Hal::system_block_device();
        if (device.is_error())
            idle_until_power_button("no disk (attach a virtio-blk disk to run a world)"sv);

        SerialConsole console;
        if (auto initialized = console.initialize(); initialized.is_error())
            logln("world: console input unavailable ({})", initialized.error());
        EmbeddedProgram program(arguments.world_name);
        auto result = VM::World::run_world(*device.value(), console, program, arguments.options);
        if (result.is_error()) {
            logln("world: {}", result.error());
            idle_until_power_button("the world could not run"sv);
        }
        Hal::power_off();
    }

} // namespace

void start_world(StringView command_line)
{
    auto& arguments = s_arguments;
    arguments.command_line = command_line;
    if (auto name = command_line_value(command_line, "world"sv); name.has_value() && !name->is_empty())
        arguments.world_name = *name;
    if (has_word(command_line, "fresh"sv) || has_word(command_line, "fresh=1"sv))
        arguments.options.start = VM::World::Start::Fresh;
    if (auto value = command_line_value(command_line, "snapshot_ms"sv); value.has_value()) {
        if (auto milliseconds = parse_decimal(*value); milliseconds.has_value())
            arguments.options.snapshot_interval_ns = *milliseconds * Hal::nanoseconds_per_millisecond;
        else
            logln("world: snapshot_ms={} is not a number of milliseconds; using the default", *value);
    }
    if (auto value = command_line_value(command_line, "commit_output"sv); value.has_value())
        arguments.options.commit_output = *value == "1"sv || *value == "yes"sv;

    // The window system's classes, as on the hosted port: every world has them, so a world
    // moves between the ports (and between machines with and without a screen).
    arguments.options.native_classes = Windowing::desktop_native_classes(Windowing::ScreenUse::Shown);

    Hal::ThreadOptions options;
    options.name = "world"sv;
    if (auto thread = Hal::create_thread(world_thread, nullptr, options); thread.is_error())
        logln("world: cannot start its thread ({}); the power button is ignored", thread.error());
}

} // namespace Kernel
