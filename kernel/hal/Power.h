/*
 * kernel/hal/Power.h: orderly shutdown. The machine asks the OS to shut down (pc: the ACPI
 * power button, which QEMU's `system_powerdown` presses; hosted: SIGTERM, SIGINT or SIGHUP),
 * the OS takes its last snapshot, then turns the machine off.
 *
 *     // on a thread of the OS's own:
 *     Hal::wait_for_shutdown_request();
 *     (void)space->shutdown();  // the last snapshot
 *     Hal::power_off();
 *
 * Until something waits for a request, a request is remembered, never lost.
 */
#pragma once

#include <base/Types.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>

namespace Hal {

// Blocks until an orderly shutdown has been requested (true) or the deadline passes (false).
// Once requested, it stays requested: every later call returns true at once.
bool wait_for_shutdown_request(u64 deadline_ns = no_deadline);

// Whether an orderly shutdown has been requested.
bool is_shutdown_requested();

// Requests an orderly shutdown from inside the OS (a shell command, a test).
void request_shutdown();

// Turns the machine off: pc enters ACPI S5 (QEMU exits with status 0), halting forever when
// that is not possible; hosted ends the process with status 0.
[[noreturn]] void power_off();

} // namespace Hal
