/*
 * kernel/pc/memory/MemoryTests.h: the in-kernel tests of the memory HAL (Tests.cpp lists
 * them for `test=NAME`):
 *
 *     memory_frames          allocate many frames: distinct, counted, freed, reused
 *     memory_mapping         reserve, map zeroed and given frames, alias, protect, query, unmap
 *     memory_dirty           dirty bits: exactly the written pages, cleared, then one page;
 *                            a map_filled page holds its bytes and is clean
 *     memory_heap            the heap grows past the old 8 MiB arena and fails cleanly
 *     fault_hook             not-present and write-protect faults in a hooked range reach
 *                            the hook, which maps/unprotects and the thread resumes
 *     fault_hook_unhandled   the hook declines: the normal page-fault panic report
 *     memory_bench           times writing, then collecting and clearing, 10,000 dirty pages
 *                            (tests/bench/MemoryBenchmark.cpp reads the `bench memory:` lines)
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::Tests {

TestVerdict memory_frames();
TestVerdict memory_mapping();
TestVerdict memory_dirty();
TestVerdict memory_heap();
TestVerdict fault_hook();
TestVerdict fault_hook_unhandled();
TestVerdict memory_bench();

} // namespace Kernel::Tests
