/*
 * tests/scenarios/ThreadScenarios.h: the thread scenarios of the hardware layer, written once
 * against kernel/hal/Threads.h and run on both ports (kernel: test=threads, condition,
 * safepoint; hosted: tests/hal/HalThreadsTest.cpp).
 */
#pragma once

#include <base/ErrorOr.h>

namespace Scenarios {

// Two threads add 1 to a mutex-protected counter 500,000 times each, reading and writing
// in two steps so that a lost update shows; the counter must end at exactly 10^6 and the
// incrementing thread must have changed at least `minimum_turns` times (interleaving).
ErrorOr<void> mutex_counter(u64 minimum_turns);

// Two threads pass a ball through a condition variable 1000 times each.
ErrorOr<void> condition_ping_pong();

// Three threads of one group (a busy one, a sleeper and an event waiter) are stopped at
// their safepoints three times: none may run while stopped, all must run after resume().
ErrorOr<void> safepoint_group();

} // namespace Scenarios
