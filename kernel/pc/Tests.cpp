/*
 * kernel/pc/Tests.cpp: the tests listed in Tests.h. The deliberate_* functions are called
 * straight from run_test(), so a panic backtrace shows them under it.
 */
#include <base/Assertions.h>
#include <base/Log.h>
#include <base/SelfTest.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/ScreenInputTests.h>
#include <kernel/pc/Tests.h>
#include <kernel/pc/devices/DeviceTests.h>
#include <kernel/pc/memory/MemoryTests.h>
#include <kernel/pc/memory/VirtualMemory.h>
#include <kernel/pc/persist/PersistTests.h>
#include <kernel/pc/runtime/MathTests.h>
#include <kernel/pc/threads/FpuTests.h>
#include <kernel/pc/threads/ThreadTests.h>
#include <new>

namespace Kernel {

namespace Tests {

    namespace {

        // The lower half above 4 GiB is not mapped at all.
        constexpr FlatPtr unmapped_address = 0x0000'7000'dead'b000;
        constexpr FlatPtr non_canonical_address = 0x8000'0000'0000'0000;

        TestVerdict ready() { return TestVerdict::Pass; }

        TestVerdict base_self_test()
        {
            auto result = Base::run_self_test();
            if (result.is_error()) {
                logln("test base: {}", result.error());
                return TestVerdict::Fail;
            }
            return TestVerdict::Pass;
        }

        bool check(bool condition, StringView what)
        {
            if (!condition)
                logln("test: check failed: {}", what);
            return condition;
        }

        // A global with a dynamic initializer: it only holds its value if kernel_main() ran the
        // .init_array constructors.
        struct ConstructedAtBoot {
            ConstructedAtBoot()
            {
                u32 volatile seed = 0x50484d;
                value = seed;
            }
            u32 value {0};
        };
        ConstructedAtBoot s_constructed_at_boot;

        struct alignas(64) OverAligned {
            u8 bytes[64];
        };

        TestVerdict runtime()
        {
            bool ok = check(s_constructed_at_boot.value == 0x50484d, "global constructors ran"sv);

            // Through volatile pointers, so the compiler emits calls to our functions.
            char buffer[32] = "0123456789abcdef";
            void* (*volatile move)(void*, void const*, usize) = __builtin_memmove;
            int (*volatile compare)(void const*, void const*, usize) = __builtin_memcmp;
            move(buffer + 2, buffer, 10);
            ok &= check(compare(buffer, "010123456789cdef", 16) == 0, "memmove forwards over an overlap"sv);
            move(buffer, buffer + 2, 10);
            ok &= check(compare(buffer, "012345678989cdef", 16) == 0, "memmove backwards over an overlap"sv);
            ok &= check(
                compare("abc", "abd", 3) < 0 && compare("abd", "abc", 3) > 0, "memcmp orders bytes"sv);
            ok &= check(__builtin_strlen(buffer) == 16, "strlen"sv);

            auto* value = new (std::nothrow) u64(42);
            ok &= check(value && *value == 42, "new (std::nothrow)"sv);
            delete value;
            auto* aligned = new OverAligned;
            ok &= check(reinterpret_cast<FlatPtr>(aligned) % alignof(OverAligned) == 0, "over-aligned new"sv);
            delete aligned;
            auto* array = new (std::nothrow) u32[100];
            ok &= check(array != nullptr, "new[]"sv);
            delete[] array;
            return ok ? TestVerdict::Pass : TestVerdict::Fail;
        }

        TestVerdict heap()
        {
            // The heap maps its first chunk on first use; compare against a heap that has one.
            KernelHeap::free(KernelHeap::allocate(1));
            auto before = KernelHeap::statistics();
            bool ok = true;

            constexpr usize count = 64;
            u8* blocks[count];
            for (usize i = 0; i < count; ++i) {
                usize size = 1 + (i * 37) % 500;
                blocks[i] = static_cast<u8*>(KernelHeap::allocate(size));
                ok &= check(blocks[i] != nullptr, "small allocation"sv);
                ok &= check(reinterpret_cast<FlatPtr>(blocks[i]) % 16 == 0, "16-byte alignment"sv);
                if (blocks[i])
                    __builtin_memset(blocks[i], static_cast<int>(i), size);
            }
            for (usize i = 0; i < count; ++i) {
                usize size = 1 + (i * 37) % 500;
                for (usize j = 0; j < size && blocks[i]; ++j)
                    ok &= check(blocks[i][j] == static_cast<u8>(i), "blocks do not overlap"sv);
            }
            // Free in an interleaved order so coalescing meets neighbours on both sides.
            for (usize i = 0; i < count; i += 2)
                KernelHeap::free(blocks[i]);
            for (usize i = 1; i < count; i += 2)
                KernelHeap::free(blocks[i]);

            void* aligned = KernelHeap::allocate_aligned(100, 4096);
            ok &= check(aligned && reinterpret_cast<FlatPtr>(aligned) % 4096 == 0, "4096-byte alignment"sv);
            KernelHeap::free_aligned(aligned, 4096);

            auto arena = KernelHeap::statistics().arena_bytes;
            ok &= check(KernelHeap::allocate(VirtualMemory::kernel_heap_window + 1) == nullptr,
                "an allocation larger than the heap window fails"sv);
            void* whole = KernelHeap::allocate(arena / 2);
            ok &= check(whole != nullptr, "half the heap in one block after coalescing"sv);
            KernelHeap::free(whole);

            auto after = KernelHeap::statistics();
            ok &= check(after.used_bytes == before.used_bytes, "every byte returned"sv);
            ok &= check(after.free_blocks == before.free_blocks, "free blocks coalesced again"sv);
            return ok ? TestVerdict::Pass : TestVerdict::Fail;
        }

        [[gnu::noinline]] u64 recurse(u64 depth)
        {
            volatile u8 frame_filler[256];
            frame_filler[0] = static_cast<u8>(depth);
            // Never true, but the compiler cannot know: the recursion is unbounded.
            if (depth == ~0ull)
                return 0;
            return recurse(depth + 1) + frame_filler[0];
        }

    } // namespace

    TestVerdict deliberate_page_fault()
    {
        *reinterpret_cast<u64 volatile*>(unmapped_address) = 0x50484d;
        return TestVerdict::Fail;
    }

    TestVerdict deliberate_divide_error()
    {
        asm volatile("xorl %%ecx, %%ecx\n"
                     "divl %%ecx"
                     :
                     :
                     : "eax", "ecx", "edx");
        return TestVerdict::Fail;
    }

    TestVerdict deliberate_breakpoint()
    {
        asm volatile("int3");
        return TestVerdict::Fail;
    }

    TestVerdict deliberate_general_protection()
    {
        asm volatile("movq (%0), %%rax" : : "r"(non_canonical_address) : "rax", "memory");
        return TestVerdict::Fail;
    }

    TestVerdict deliberate_stack_overflow()
    {
        recurse(0);
        return TestVerdict::Fail;
    }

    TestVerdict deliberate_null_call()
    {
        void (*volatile function)() = nullptr;
        function();
        return TestVerdict::Fail;
    }

    TestVerdict deliberate_verify_failure()
    {
        // Volatile, so the compiler cannot prove the check false and fold it away.
        int volatile answer = 41;
        VERIFY(answer == 42);
        return TestVerdict::Fail;
    }

} // namespace Tests

namespace {

    struct TestCase {
        StringView name;
        TestVerdict (*run)();
    };

    constexpr TestCase test_cases[] = {
        {"ready"sv, Tests::ready},
        {"block_write"sv, Tests::block_write},
        {"block_verify"sv, Tests::block_verify},
        {"echo_channels"sv, Tests::echo_channels},
        {"bench_block_write"sv, Tests::bench_block_write},
        {"persist_store"sv, Tests::persist_store},
        {"ledger"sv, Tests::ledger},
        {"bench_channel_send"sv, Tests::bench_channel_send},
        {"base"sv, Tests::base_self_test},
        {"heap"sv, Tests::heap},
        {"runtime"sv, Tests::runtime},
        {"page_fault"sv, Tests::deliberate_page_fault},
        {"divide_error"sv, Tests::deliberate_divide_error},
        {"breakpoint"sv, Tests::deliberate_breakpoint},
        {"general_protection"sv, Tests::deliberate_general_protection},
        {"stack_overflow"sv, Tests::deliberate_stack_overflow},
        {"null_call"sv, Tests::deliberate_null_call},
        {"verify_failure"sv, Tests::deliberate_verify_failure},
        {"memory_frames"sv, Tests::memory_frames},
        {"memory_mapping"sv, Tests::memory_mapping},
        {"memory_dirty"sv, Tests::memory_dirty},
        {"memory_heap"sv, Tests::memory_heap},
        {"fault_hook"sv, Tests::fault_hook},
        {"fault_hook_unhandled"sv, Tests::fault_hook_unhandled},
        {"memory_bench"sv, Tests::memory_bench},
        {"screen_pattern"sv, Tests::screen_pattern},
        {"input_echo"sv, Tests::input_echo},
        {"sleep"sv, ThreadTests::sleep},
        {"threads"sv, ThreadTests::threads},
        {"condition"sv, ThreadTests::condition},
        {"safepoint"sv, ThreadTests::safepoint},
        {"rtc"sv, ThreadTests::rtc},
        {"interrupts"sv, ThreadTests::interrupts},
        {"thread_stack_overflow"sv, ThreadTests::thread_stack_overflow},
        {"fpu"sv, FpuTests::fpu},
        {"math"sv, MathTests::math},
    };

} // namespace

// Not inlined: it is the frame under every deliberate_* function in a panic backtrace.
[[gnu::noinline]] TestVerdict run_test(StringView name)
{
    for (auto const& test : test_cases) {
        if (test.name != name)
            continue;
        logln("test {}: running", name);
        TestVerdict verdict = test.run();
        logln("test {}: {}", name, verdict == TestVerdict::Pass ? "pass"sv : "FAIL"sv);
        return verdict;
    }
    FixedStringBuilder<1024> names;
    for (auto const& test : test_cases)
        names.appendff("{}{}", names.length() ? " "sv : ""sv, test.name);
    logln("unknown test '{}'; the tests are: {}", name, names.string_view());
    return TestVerdict::Fail;
}

} // namespace Kernel
