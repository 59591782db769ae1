/*
 * vm/HalClockHost.h: the clock and sleep of a VM::Host taken from the HAL (kernel/hal/Time.h,
 * Threads.h), so every host on either port (the world, phantom-vm, the tests) tells time the
 * same way and only says where output goes.
 *
 *     class ConsoleHost final : public VM::HalClockHost {
 *         void write_output(StringView) override;
 *         void write_error(StringView) override;
 *     };
 */
#pragma once

#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <vm/VirtualMachine.h>

namespace VM {

class HalClockHost : public Host {
public:
    u64 monotonic_nanoseconds() override { return Hal::monotonic_nanoseconds(); }
    u64 wall_clock_nanoseconds() override { return Hal::wall_clock_nanoseconds(); }
    void sleep_until(u64 deadline) override { Hal::sleep_until(deadline); }
};

} // namespace VM
