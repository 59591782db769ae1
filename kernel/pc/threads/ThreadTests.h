/*
 * kernel/pc/threads/ThreadTests.h: in-kernel tests of interrupts, time and threads
 * (`test=NAME`, run from the boot thread):
 *
 *     sleep       logs "sleep: start", sleeps 100 ms, logs "sleep: end" (the system test
 *                 times the two lines with the host clock); a periodic Hal::Timer ticks
 *     threads     two threads share a counter under a Hal::Mutex, 10^6 increments, and must
 *                 take turns (preemption); the log shows them alternating
 *     condition   two threads play ping-pong through a condition variable, 1000 rounds
 *     safepoint   a group of three threads (running, sleeping, waiting on an event) is
 *                 stopped at a safepoint, stays stopped, resumes, and is joined
 *     rtc         the RTC gives a plausible date (year >= 2024)
 *     interrupts  ISA IRQ 8 routed through the IOAPIC (the RTC's periodic interrupt) and an
 *                 allocated vector raised by a local APIC self-IPI reach their handlers,
 *                 which wake threads through Hal::Event
 *     thread_stack_overflow  a thread recurses into the guard page under its stack: the
 *                 kernel panics (double fault on its own stack) instead of corrupting memory
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::ThreadTests {

TestVerdict sleep();
TestVerdict threads();
TestVerdict condition();
TestVerdict safepoint();
TestVerdict rtc();
TestVerdict interrupts();
TestVerdict thread_stack_overflow();

} // namespace Kernel::ThreadTests
