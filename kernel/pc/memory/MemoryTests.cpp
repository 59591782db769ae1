/*
 * kernel/pc/memory/MemoryTests.cpp: the tests listed in MemoryTests.h. Each logs the
 * check that failed; the system test tests/system/MemoryTest.cpp runs them in QEMU.
 */
#include <base/Log.h>
#include <kernel/hal/Memory.h>
#include <kernel/pc/BootClock.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/memory/FrameAllocator.h>
#include <kernel/pc/memory/MemoryTests.h>
#include <kernel/pc/memory/VirtualMemory.h>

namespace Kernel::Tests {

namespace {

    using Hal::page_size;

    bool check(bool condition, StringView what)
    {
        if (!condition)
            logln("test: check failed: {}", what);
        return condition;
    }

    u64 volatile* word_at(FlatPtr address) { return reinterpret_cast<u64 volatile*>(address); }

    constexpr usize frame_test_count = 2000;
    Hal::FrameAddress s_frames[frame_test_count];

} // namespace

TestVerdict memory_frames()
{
    auto before = Hal::frame_statistics();
    logln("test memory_frames: {} of {} frames free", before.free_frames, before.total_frames);
    bool ok = check(before.total_frames > frame_test_count && before.free_frames <= before.total_frames,
        "the allocator manages frames"sv);
    if (!ok)
        return TestVerdict::Fail;
    for (usize i = 0; i < frame_test_count; ++i) {
        auto frame = Hal::allocate_frame();
        if (!check(!frame.is_error(), "allocate_frame"sv))
            return TestVerdict::Fail;
        s_frames[i] = frame.value();
        ok &= check(s_frames[i] % page_size == 0 && s_frames[i] >= 1024 * 1024, "aligned, above 1 MiB"sv);
        // A tag in every frame: if two allocations returned the same frame, the later tag wins.
        *reinterpret_cast<u64*>(FrameAllocator::frame_contents(s_frames[i])) = s_frames[i] ^ 0x5048;
    }
    for (usize i = 0; i < frame_test_count; ++i)
        ok &= check(
            *reinterpret_cast<u64*>(FrameAllocator::frame_contents(s_frames[i])) == (s_frames[i] ^ 0x5048),
            "frames are distinct"sv);
    ok &= check(Hal::frame_statistics().free_frames == before.free_frames - frame_test_count, "free count"sv);
    for (usize i = 0; i < frame_test_count; ++i)
        Hal::free_frame(s_frames[i]);
    ok &= check(Hal::frame_statistics().free_frames == before.free_frames, "every frame returned"sv);

    auto again = Hal::allocate_frame();
    ok &= check(!again.is_error(), "allocate after free"sv);
    if (!again.is_error()) {
        bool reused = false;
        for (usize i = 0; i < frame_test_count; ++i)
            reused |= s_frames[i] == again.value();
        ok &= check(reused, "a freed frame is handed out again"sv);
        Hal::free_frame(again.value());
    }
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict memory_mapping()
{
    bool ok = true;
    auto frames_before = Hal::frame_statistics().free_frames;
    auto reserved = Hal::reserve_range(16 * page_size);
    if (!check(!reserved.is_error(), "reserve_range"sv))
        return TestVerdict::Fail;
    auto range = reserved.value();
    ok &= check(range.base % page_size == 0 && range.size == 16 * page_size, "range shape"sv);
    ok &= check(Hal::reserve_range_at(range.base, page_size).is_error(), "overlapping reservation refused"sv);
    ok &= check(!Hal::query(range.base).has_value(), "a reserved page is not mapped"sv);

    ok &= check(
        !Hal::map_zeroed(range.base, 4 * page_size, Hal::Protection::ReadWrite).is_error(), "map_zeroed"sv);
    for (usize offset = 0; offset < 4 * page_size; offset += sizeof(u64))
        ok &= *word_at(range.base + offset) == 0;
    ok &= check(ok, "fresh pages are zero"sv);
    *word_at(range.base + page_size) = 0x1234;
    auto state = Hal::query(range.base + page_size + 8);
    ok &= check(state.has_value() && state->protection == Hal::Protection::ReadWrite, "query: read-write"sv);
    ok &= check(state.has_value() && state->executable == Hal::Executable::No, "query: not executable"sv);

    Hal::protect(range.base, 4 * page_size, Hal::Protection::ReadOnly);
    state = Hal::query(range.base + page_size);
    ok &= check(state.has_value() && state->protection == Hal::Protection::ReadOnly, "query: read-only"sv);
    ok &= check(*word_at(range.base + page_size) == 0x1234, "contents kept across protect"sv);
    Hal::protect(range.base, 4 * page_size, Hal::Protection::ReadWrite);

    // A given frame mapped twice: both addresses show the same bytes.
    auto frame = Hal::allocate_frame();
    ok &= check(!frame.is_error(), "allocate_frame"sv);
    if (!frame.is_error()) {
        ok &= check(
            !Hal::map_frame(range.base + 8 * page_size, frame.value(), Hal::Protection::ReadWrite).is_error(),
            "map_frame"sv);
        ok &= check(
            !Hal::map_frame(range.base + 9 * page_size, frame.value(), Hal::Protection::ReadOnly).is_error(),
            "map_frame again"sv);
        *word_at(range.base + 8 * page_size + 16) = 0xfeedface;
        ok &= check(*word_at(range.base + 9 * page_size + 16) == 0xfeedface, "aliases share the frame"sv);
        auto alias = Hal::query(range.base + 9 * page_size);
        ok &= check(alias.has_value() && alias->frame == frame.value(), "query names the frame"sv);
    }

    Hal::unmap(range.base, 16 * page_size);
    for (usize page = 0; page < 16; ++page)
        ok &= check(!Hal::query(range.base + page * page_size).has_value(), "unmapped"sv);
    // The four zeroed frames went back; the given frame is still ours.
    if (!frame.is_error())
        Hal::free_frame(frame.value());
    Hal::release_range(range);
    // Page tables made for the range stay (FIXME in VirtualMemory.cpp): at most 3 frames.
    auto frames_after = Hal::frame_statistics().free_frames;
    ok &= check(frames_after + 3 >= frames_before && frames_after <= frames_before, "frames returned"sv);
    ok &= check(Hal::map_zeroed(0x0000'6000'0000'0000, page_size, Hal::Protection::ReadWrite).is_error(),
        "mapping outside a reservation is refused"sv);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict memory_dirty()
{
    bool ok = true;
    constexpr usize pages = 100;
    auto reserved = Hal::reserve_range(pages * page_size);
    if (!check(!reserved.is_error(), "reserve_range"sv))
        return TestVerdict::Fail;
    auto range = reserved.value();
    ok &= check(!Hal::map_zeroed(range.base, range.size, Hal::Protection::ReadWrite).is_error(), "map"sv);
    u64 bitmap[2];
    ok &= check(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes) == 0,
        "fresh pages are clean"sv);

    constexpr usize written[] = {0, 3, 17, 63, 64, 99};
    for (auto page : written)
        *word_at(range.base + page * page_size + 8) = page;
    // Reading makes nothing dirty.
    u64 sum = 0;
    for (usize page = 0; page < pages; ++page)
        sum += *word_at(range.base + page * page_size);
    ok &= check(sum == 0, "reads"sv);

    u64 expected[2] = {};
    for (auto page : written)
        expected[page / 64] |= 1ull << (page % 64);
    usize count = Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::No);
    ok &= check(count == array_size(written) && bitmap[0] == expected[0] && bitmap[1] == expected[1],
        "exactly the written pages are dirty"sv);
    count = Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes);
    ok &= check(count == array_size(written) && bitmap[0] == expected[0] && bitmap[1] == expected[1],
        "reading without clearing kept them"sv);
    count = Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::No);
    ok &= check(count == 0 && bitmap[0] == 0 && bitmap[1] == 0, "cleared"sv);

    *word_at(range.base + 42 * page_size + 100 * 8) = 42;
    count = Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes);
    ok &= check(
        count == 1 && bitmap[0] == 1ull << 42 && bitmap[1] == 0, "exactly one page after one write"sv);
    auto state = Hal::query(range.base + 42 * page_size);
    ok &= check(state.has_value() && !state->dirty, "query sees the page clean"sv);
    // Clearing many pages at once takes another path (one full TLB flush): same results.
    for (usize page = 0; page < pages; ++page)
        *word_at(range.base + page * page_size + 16) = page;
    ok &= check(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes) == pages,
        "every page dirty"sv);
    *word_at(range.base + 7 * page_size) = 7;
    *word_at(range.base + 70 * page_size) = 70;
    ok &= check(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes) == 2
            && bitmap[0] == 1ull << 7 && bitmap[1] == 1ull << 6,
        "exactly two pages after a full clear"sv);

    // map_filled: the page replaces the mapped one, holds the bytes and is clean.
    static u8 s_content[page_size];
    for (usize i = 0; i < page_size; ++i)
        s_content[i] = static_cast<u8>(i * 7 + 3);
    FlatPtr filled = range.base + 50 * page_size;
    ok &= check(
        !Hal::map_filled(filled, ReadonlyBytes(s_content, page_size), Hal::Protection::ReadWrite).is_error(),
        "map_filled"sv);
    ok &= check(__builtin_memcmp(reinterpret_cast<void const*>(filled), s_content, page_size) == 0,
        "map_filled: the page holds the bytes"sv);
    ok &= check(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::No) == 0,
        "map_filled: the page is clean"sv);
    *word_at(filled + 8) = 50;
    ok &= check(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes) == 1
            && bitmap[0] == 1ull << 50 && bitmap[1] == 0,
        "map_filled: a write makes it dirty"sv);
    Hal::release_range(range);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict memory_heap()
{
    bool ok = true;
    constexpr usize old_arena = 8 * 1024 * 1024;
    constexpr usize block_size = 1024 * 1024;
    constexpr usize block_count = 12;
    auto frames_before = Hal::frame_statistics().free_frames;
    u8* blocks[block_count];
    for (usize i = 0; i < block_count; ++i) {
        blocks[i] = new (std::nothrow) u8[block_size];
        ok &= check(blocks[i] != nullptr, "a 1 MiB block"sv);
        if (blocks[i])
            __builtin_memset(blocks[i], static_cast<int>(i + 1), block_size);
    }
    auto* big = static_cast<u8*>(KernelHeap::allocate(old_arena + block_size));
    ok &= check(big != nullptr, "one block larger than the old arena"sv);
    if (big) {
        big[0] = 1;
        big[old_arena + block_size - 1] = 2;
    }
    auto grown = KernelHeap::statistics();
    logln("test memory_heap: heap mapped {} MiB, {} MiB in use", grown.arena_bytes >> 20,
        grown.used_bytes >> 20);
    ok &= check(grown.arena_bytes > 2 * old_arena, "the heap grew past twice the old arena"sv);
    ok &= check(Hal::frame_statistics().free_frames + grown.arena_bytes / page_size / 2 < frames_before,
        "growth took frames"sv);
    for (usize i = 0; i < block_count; ++i) {
        for (usize j = 0; blocks[i] && j < block_size; j += 4096)
            ok &= check(blocks[i][j] == static_cast<u8>(i + 1), "blocks keep their contents"sv);
        delete[] blocks[i];
    }
    KernelHeap::free(big);

    // More than the machine has: null, and the heap still works afterwards.
    auto frames = Hal::frame_statistics();
    usize too_much = (frames.total_frames + 1024) * page_size;
    void* impossible = ::operator new(too_much, std::nothrow);
    ok &= check(impossible == nullptr, "operator new (nothrow) returns null when memory runs out"sv);
    ok &= check(
        Hal::frame_statistics().free_frames == frames.free_frames, "a failed growth gives its frames back"sv);
    auto* after = new (std::nothrow) u64(7);
    ok &= check(after && *after == 7, "the heap works after a failure"sv);
    delete after;
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

namespace {

    // Volatile: the handler changes it behind the compiler's back (from the #PF handler).
    struct FaultLog {
        usize volatile calls {0};
        FlatPtr volatile last_address {0};
        Hal::FaultAccess volatile last_access {Hal::FaultAccess::Read};
        Hal::FaultResolution answer {Hal::FaultResolution::Resolved};
    };

    StringView access_name(Hal::FaultAccess access)
    {
        switch (access) {
        case Hal::FaultAccess::Read:
            return "read"sv;
        case Hal::FaultAccess::Write:
            return "write"sv;
        case Hal::FaultAccess::Execute:
            return "execute"sv;
        }
        return "?"sv;
    }

    // Maps a zeroed page where the access failed, or makes a read-only page writable.
    Hal::FaultResolution map_on_fault(void* context, FlatPtr address, Hal::FaultAccess access)
    {
        auto& log = *static_cast<FaultLog*>(context);
        log.calls = log.calls + 1;
        log.last_address = address;
        log.last_access = access;
        logln("fault hook: address={:#x} access={}", address, access_name(access));
        if (log.answer == Hal::FaultResolution::Unhandled)
            return log.answer;
        FlatPtr page = address & ~(page_size - 1);
        if (Hal::query(page).has_value())
            Hal::protect(page, page_size, Hal::Protection::ReadWrite);
        else if (Hal::map_zeroed(page, page_size, Hal::Protection::ReadWrite).is_error())
            return Hal::FaultResolution::Unhandled;
        return Hal::FaultResolution::Resolved;
    }

} // namespace

TestVerdict fault_hook()
{
    bool ok = true;
    auto reserved = Hal::reserve_range(8 * page_size);
    if (!check(!reserved.is_error(), "reserve_range"sv))
        return TestVerdict::Fail;
    auto range = reserved.value();
    FaultLog log;
    ok &= check(!Hal::register_fault_handler(range, map_on_fault, &log).is_error(), "register"sv);
    ok &= check(Hal::register_fault_handler(range, map_on_fault, &log).is_error(), "one handler per range"sv);

    // Not present: a write.
    FlatPtr target = range.base + 2 * page_size + 0x238;
    *word_at(target) = 0x50484d;
    ok &= check(log.calls == 1 && log.last_address == target && log.last_access == Hal::FaultAccess::Write,
        "the write reached the hook"sv);
    ok &= check(*word_at(target) == 0x50484d, "the write happened after the hook mapped the page"sv);
    logln("fault hook: thread resumed after the hook mapped {:#x}", target & ~(page_size - 1));

    // Not present: a read sees the zeroed page.
    FlatPtr read_target = range.base + 5 * page_size + 8;
    ok &= check(*word_at(read_target) == 0, "a read sees a zeroed page"sv);
    ok &= check(log.calls == 2 && log.last_access == Hal::FaultAccess::Read, "the read reached the hook"sv);

    // Write protection: the hook makes the page writable again.
    Hal::protect(range.base + 2 * page_size, page_size, Hal::Protection::ReadOnly);
    *word_at(target) = 0x1234;
    ok &= check(log.calls == 3 && log.last_access == Hal::FaultAccess::Write && *word_at(target) == 0x1234,
        "write-protect fault resolved by unprotecting"sv);
    *word_at(target) = 0x5678;
    ok &= check(log.calls == 3, "no fault once writable"sv);

    Hal::unregister_fault_handler(range);
    Hal::release_range(range);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict fault_hook_unhandled()
{
    auto reserved = Hal::reserve_range(page_size);
    if (!check(!reserved.is_error(), "reserve_range"sv))
        return TestVerdict::Fail;
    static FaultLog log;
    log.answer = Hal::FaultResolution::Unhandled;
    if (!check(!Hal::register_fault_handler(reserved.value(), map_on_fault, &log).is_error(), "register"sv))
        return TestVerdict::Fail;
    // The hook declines, so this ends in the page-fault panic report.
    *word_at(reserved.value().base + 0x40) = 1;
    return TestVerdict::Fail;
}

TestVerdict memory_bench()
{
    constexpr usize pages = 10'000;
    auto reserved = Hal::reserve_range(pages * page_size);
    if (!check(!reserved.is_error(), "reserve_range"sv))
        return TestVerdict::Fail;
    auto range = reserved.value();
    if (!check(!Hal::map_zeroed(range.base, range.size, Hal::Protection::ReadWrite).is_error(), "map"sv))
        return TestVerdict::Fail;
    static u64 bitmap[(pages + 63) / 64];
    bool ok = true;
    for (int round = 0; round < 3; ++round) {
        u64 start = Cpu::read_tsc();
        for (usize page = 0; page < pages; ++page)
            *word_at(range.base + page * page_size) = page;
        u64 written = Cpu::read_tsc();
        usize dirty = Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes);
        u64 cleared = Cpu::read_tsc();
        usize clean = Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes);
        u64 scanned = Cpu::read_tsc();
        ok &= check(dirty == pages && clean == 0, "every page dirty, then none"sv);
        logln("bench memory: pages={} write_us={} collect_and_clear_dirty_us={} collect_clean_us={}", pages,
            BootClock::ticks_to_microseconds(written - start),
            BootClock::ticks_to_microseconds(cleared - written),
            BootClock::ticks_to_microseconds(scanned - cleared));
    }
    Hal::release_range(range);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

} // namespace Kernel::Tests
