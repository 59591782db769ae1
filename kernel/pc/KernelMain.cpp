/*
 * kernel/pc/KernelMain.cpp: kernel_main(), where Boot.S hands over in 64-bit mode on the
 * boot stack. It brings the machine up in the order things can fail visibly: log first,
 * then CPU tables (so every later fault gets a panic report), then everything else, and
 * ends the boot with `phantom: ready in <N> ms`. With `test=NAME` it then runs that test
 * and exits QEMU with the verdict; otherwise it runs the world on the disk (world/PcWorld.h).
 */
#include <base/Log.h>
#include <base/Version.h>
#include <kernel/pc/BootClock.h>
#include <kernel/pc/DebugExit.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/KernelLog.h>
#include <kernel/pc/KernelSymbols.h>
#include <kernel/pc/Panic.h>
#include <kernel/pc/Tests.h>
#include <kernel/pc/boot/BootInformation.h>
#include <kernel/pc/cpu/Acpi.h>
#include <kernel/pc/cpu/BootPaging.h>
#include <kernel/pc/cpu/CpuTables.h>
#include <kernel/pc/cpu/Fpu.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/devices/Devices.h>
#include <kernel/pc/input/ScreenAndInput.h>
#include <kernel/pc/memory/VirtualMemory.h>
#include <kernel/pc/threads/Scheduler.h>
#include <kernel/pc/time/Clock.h>
#include <kernel/pc/world/PcWorld.h>

extern "C" u8 boot_stack_guard[];
extern "C" u8 kernel_image_start[];
extern "C" u8 kernel_image_end[];

using ConstructorFunction = void (*)();
extern "C" ConstructorFunction kernel_init_array_start[];
extern "C" ConstructorFunction kernel_init_array_end[];

namespace Kernel {

namespace {

    void run_global_constructors()
    {
        for (auto* constructor = kernel_init_array_start; constructor != kernel_init_array_end; ++constructor)
            (*constructor)();
    }

    void log_machine(BootInformation const& boot)
    {
        logln("command line: \"{}\"", boot.command_line);
        auto image_bytes = static_cast<usize>(kernel_image_end - kernel_image_start);
        logln("memory: {} MiB usable; kernel image {} KiB at physical {:#x}; heap {} KiB mapped so far",
            boot.usable_memory_bytes >> 20, image_bytes >> 10, kernel_virtual_to_physical(kernel_image_start),
            KernelHeap::statistics().arena_bytes >> 10);
        u64 frequency = BootClock::tsc_frequency_hz();
        // Under TCG the TSC starts at zero with the machine, so its value at kernel entry is the
        // time the firmware and the loader took; under KVM it is the host's (meaningless here).
        logln("clock: tsc {}.{:03} MHz (calibrated against the PIT); tsc at kernel entry = {} ms",
            frequency / 1'000'000, frequency / 1000 % 1000,
            BootClock::ticks_to_microseconds(BootClock::entry_tsc()) / 1000);
        logln("symbols: {} kernel functions named for backtraces", kernel_symbol_count());
    }

} // namespace

} // namespace Kernel

extern "C" [[noreturn]] void kernel_main(u32 protocol, u32 information_physical_address)
{
    using namespace Kernel;

    BootClock::start_calibration();
    initialize_kernel_log();
    initialize_cpu_tables();
    Fpu::initialize();
    auto boot = read_boot_information(protocol, information_physical_address);
    auto test_name = command_line_value(boot.command_line, "test"sv);
    if (test_name.has_value())
        set_panic_action(PanicAction::ExitEmulator);

    FixedStringBuilder<64> port;
    port.appendff("pc x86-64 ({} boot)", boot_protocol_name(boot.protocol));
    Base::log_banner(port.string_view());
    VirtualMemory::initialize(boot);

    run_global_constructors();
    // Null pointers and boot stack overflows fault from here on.
    unmap_boot_page(0);
    unmap_boot_page(kernel_virtual_to_physical(boot_stack_guard));

    BootClock::finish_calibration();
    log_machine(boot);
    Interrupts::initialize();
    Time::initialize();
    Scheduler::initialize();
    Acpi::initialize_power();
    initialize_devices(boot.command_line);
    initialize_screen_and_input(boot.command_line);
    logln("ready in {} ms", BootClock::milliseconds_since_entry());

    if (test_name.has_value()) {
        auto verdict = run_test(*test_name);
        exit_emulator(verdict == TestVerdict::Pass ? EmulatorExitCode::Pass : EmulatorExitCode::Fail);
    }
    // Outside test mode the machine runs the world on its disk (or idles without one).
    start_world(boot.command_line);
    Scheduler::finish_boot_thread();
}
