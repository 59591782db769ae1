/*
 * kernel/pc/threads/FpuTests.cpp: see FpuTests.h. Each worker runs a long chain of double
 * operations whose values live in SSE registers for the whole loop (no calls inside), so a
 * switch that lost or mixed registers changes its result.
 */
#include <base/Log.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/threads/FpuTests.h>
#include <kernel/pc/threads/Scheduler.h>

namespace Kernel::FpuTests {

namespace {

    constexpr usize worker_count = 4;
    constexpr u64 iterations = 3'000'000;

    struct Work {
        double seed {0};
        double result {0};
        u64 switches_seen {0};
    };

    [[gnu::noinline]] double chain(double seed)
    {
        double x = seed;
        double y = 1.0 / (seed + 3.0);
        for (u64 i = 0; i < iterations; ++i) {
            x = x * 0.999999 + y;
            y = y * 1.000001 - x * 1e-7;
        }
        return x + y;
    }

    void worker(void* argument)
    {
        auto& work = *static_cast<Work*>(argument);
        u64 before = Scheduler::context_switch_count();
        work.result = chain(work.seed);
        work.switches_seen = Scheduler::context_switch_count() - before;
    }

    bool same_bits(double a, double b) { return __builtin_memcmp(&a, &b, sizeof(double)) == 0; }

} // namespace

TestVerdict fpu()
{
    Work works[worker_count];
    double alone[worker_count];
    for (usize i = 0; i < worker_count; ++i) {
        works[i].seed = 1.5 + static_cast<double>(i) * 0.25;
        alone[i] = chain(works[i].seed);
    }
    Hal::Thread* threads[worker_count] {};
    for (usize i = 0; i < worker_count; ++i) {
        Hal::ThreadOptions options;
        options.name = "fpu-worker"sv;
        auto thread = Hal::create_thread(worker, &works[i], options);
        if (thread.is_error()) {
            logln("fpu: cannot create a worker: {}", thread.error());
            return TestVerdict::Fail;
        }
        threads[i] = thread.value();
    }
    // The boot thread does floating-point work of its own meanwhile.
    double own = chain(9.75);
    for (auto* thread : threads)
        Hal::join_thread(thread);
    bool ok = same_bits(own, chain(9.75));
    u64 switches = 0;
    for (usize i = 0; i < worker_count; ++i) {
        switches += works[i].switches_seen;
        if (!same_bits(works[i].result, alone[i])) {
            logln("fpu: worker {} got a different result with other threads running", i);
            ok = false;
        }
    }
    logln("fpu: {} workers, {} context switches while they ran; results {}", worker_count, switches,
        ok ? "bit-exact"sv : "WRONG"sv);
    // Without switches in the middle of the chains the test proves nothing.
    if (switches < worker_count) {
        logln("fpu: too few context switches to test anything");
        return TestVerdict::Fail;
    }
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

} // namespace Kernel::FpuTests
