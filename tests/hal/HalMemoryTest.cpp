// hal.memory: the hosted port's memory HAL (kernel/hosted/HostedMemory.cpp): frames,
// mapping and protection, exact dirty sets, map_filled (complete and clean, also from inside
// the fault hook), the fault hook resuming the faulting thread
// after a not-present and a write-protect fault, and an unhandled fault still ending in the
// panic report.
#include <kernel/hal/Memory.h>
#include <kernel/hosted/HostedPanic.h>

#include <QSet>
#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

using Hal::page_size;

namespace {

u64 volatile* word_at(FlatPtr address) { return reinterpret_cast<u64 volatile*>(address); }

// Volatile: the handler changes it behind the compiler's back (from a signal handler).
struct FaultLog {
    int volatile calls {0};
    FlatPtr volatile last_address {0};
    Hal::FaultAccess volatile last_access {Hal::FaultAccess::Read};
    Hal::FaultResolution answer {Hal::FaultResolution::Resolved};
};

Hal::FaultResolution map_on_fault(void* context, FlatPtr address, Hal::FaultAccess access)
{
    auto& log = *static_cast<FaultLog*>(context);
    log.calls = log.calls + 1;
    log.last_address = address;
    log.last_access = access;
    if (log.answer == Hal::FaultResolution::Unhandled)
        return log.answer;
    FlatPtr page = address & ~(page_size - 1);
    if (Hal::query(page).has_value())
        Hal::protect(page, page_size, Hal::Protection::ReadWrite);
    else if (Hal::map_zeroed(page, page_size, Hal::Protection::ReadWrite).is_error())
        return Hal::FaultResolution::Unhandled;
    return Hal::FaultResolution::Resolved;
}

Hal::VirtualRange reserve(usize pages)
{
    auto range = Hal::reserve_range(pages * page_size);
    VERIFY(!range.is_error());
    return range.value();
}

} // namespace

class HalMemoryTest : public QObject {
    Q_OBJECT

private slots:
    void frames_are_distinct_and_reused()
    {
        auto before = Hal::frame_statistics();
        QVector<Hal::FrameAddress> frames;
        QSet<Hal::FrameAddress> distinct;
        for (int i = 0; i < 1000; ++i) {
            auto frame = Hal::allocate_frame();
            QVERIFY(!frame.is_error());
            QCOMPARE(frame.value() % page_size, 0u);
            frames.append(frame.value());
            distinct.insert(frame.value());
        }
        QCOMPARE(distinct.size(), 1000);
        QCOMPARE(Hal::frame_statistics().free_frames, before.free_frames - 1000);
        for (auto frame : frames)
            Hal::free_frame(frame);
        QCOMPARE(Hal::frame_statistics().free_frames, before.free_frames);
        auto again = Hal::allocate_frame();
        QVERIFY(!again.is_error());
        QVERIFY(distinct.contains(again.value()));
        Hal::free_frame(again.value());
    }

    void map_protect_query_unmap()
    {
        auto range = reserve(16);
        QVERIFY(!Hal::query(range.base).has_value());
        QVERIFY(Hal::reserve_range_at(range.base, page_size).is_error());
        QVERIFY(!Hal::map_zeroed(range.base, 4 * page_size, Hal::Protection::ReadWrite).is_error());
        for (usize offset = 0; offset < 4 * page_size; offset += 8)
            QCOMPARE(*word_at(range.base + offset), 0u);
        *word_at(range.base + page_size) = 0x1234;
        auto state = Hal::query(range.base + page_size + 8);
        QVERIFY(state.has_value());
        QVERIFY(state->protection == Hal::Protection::ReadWrite);
        QVERIFY(state->executable == Hal::Executable::No);

        Hal::protect(range.base, 4 * page_size, Hal::Protection::ReadOnly);
        state = Hal::query(range.base + page_size);
        QVERIFY(state.has_value() && state->protection == Hal::Protection::ReadOnly);
        QCOMPARE(*word_at(range.base + page_size), 0x1234u);

        // A frame mapped at two places shows the same bytes.
        auto frame = Hal::allocate_frame();
        QVERIFY(!frame.is_error());
        QVERIFY(!Hal::map_frame(range.base + 8 * page_size, frame.value(), Hal::Protection::ReadWrite)
                     .is_error());
        QVERIFY(
            !Hal::map_frame(range.base + 9 * page_size, frame.value(), Hal::Protection::ReadOnly).is_error());
        *word_at(range.base + 8 * page_size + 16) = 0xfeedface;
        QCOMPARE(*word_at(range.base + 9 * page_size + 16), 0xfeedfaceu);
        auto alias = Hal::query(range.base + 9 * page_size);
        QVERIFY(alias.has_value() && alias->frame == frame.value());

        Hal::unmap(range.base, 16 * page_size);
        for (usize page = 0; page < 16; ++page)
            QVERIFY(!Hal::query(range.base + page * page_size).has_value());
        Hal::free_frame(frame.value());
        QVERIFY(
            Hal::map_zeroed(range.base + 16 * page_size, page_size, Hal::Protection::ReadWrite).is_error());
        Hal::release_range(range);
    }

    void dirty_sets_are_exact()
    {
        constexpr usize pages = 100;
        auto range = reserve(pages);
        QVERIFY(!Hal::map_zeroed(range.base, range.size, Hal::Protection::ReadWrite).is_error());
        u64 bitmap[2];
        QCOMPARE(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes), 0u);

        constexpr usize written[] = {0, 3, 17, 63, 64, 99};
        for (auto page : written)
            *word_at(range.base + page * page_size + 8) = page;
        u64 sum = 0;
        for (usize page = 0; page < pages; ++page)
            sum += *word_at(range.base + page * page_size);
        QCOMPARE(sum, 0u);
        u64 expected[2] = {};
        for (auto page : written)
            expected[page / 64] |= 1ull << (page % 64);

        QCOMPARE(
            Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::No), array_size(written));
        QCOMPARE(bitmap[0], expected[0]);
        QCOMPARE(bitmap[1], expected[1]);
        QCOMPARE(
            Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes), array_size(written));
        QCOMPARE(bitmap[0], expected[0]);
        QCOMPARE(bitmap[1], expected[1]);
        QCOMPARE(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::No), 0u);
        QCOMPARE(bitmap[0] | bitmap[1], 0u);

        *word_at(range.base + 42 * page_size + 800) = 42;
        QCOMPARE(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes), 1u);
        QCOMPARE(bitmap[0], 1ull << 42);
        QCOMPARE(bitmap[1], 0u);
        QCOMPARE(*word_at(range.base + 42 * page_size + 800), 42u);
        auto state = Hal::query(range.base + 42 * page_size);
        QVERIFY(state.has_value() && !state->dirty && state->protection == Hal::Protection::ReadWrite);
        // Clearing many pages at once takes another path (one full TLB flush): same results.
        for (usize page = 0; page < pages; ++page)
            *word_at(range.base + page * page_size + 16) = page;
        QVERIFY2(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes) == pages,
            "every page dirty");
        *word_at(range.base + 7 * page_size) = 7;
        *word_at(range.base + 70 * page_size) = 70;
        QVERIFY2(Hal::collect_dirty_pages(range.base, pages, bitmap, Hal::ClearDirty::Yes) == 2
                && bitmap[0] == 1ull << 7 && bitmap[1] == 1ull << 6,
            "exactly two pages after a full clear");
        Hal::release_range(range);
    }

    void fault_hook_maps_and_resumes()
    {
        auto range = reserve(8);
        FaultLog log;
        QVERIFY(!Hal::register_fault_handler(range, map_on_fault, &log).is_error());
        QVERIFY(Hal::register_fault_handler(range, map_on_fault, &log).is_error());

        FlatPtr target = range.base + 2 * page_size + 0x238;
        *word_at(target) = 0x50484d;
        QCOMPARE(log.calls, 1);
        QCOMPARE(log.last_address, target);
        QVERIFY(log.last_access == Hal::FaultAccess::Write);
        QCOMPARE(*word_at(target), 0x50484du);

        FlatPtr read_target = range.base + 5 * page_size + 8;
        QCOMPARE(*word_at(read_target), 0u);
        QCOMPARE(log.calls, 2);
        QVERIFY(log.last_access == Hal::FaultAccess::Read);
        Hal::unregister_fault_handler(range);
        Hal::release_range(range);
    }

    void map_filled_is_complete_and_clean()
    {
        auto range = reserve(4);
        u8 content[page_size];
        for (usize i = 0; i < page_size; ++i)
            content[i] = static_cast<u8>(i * 7 + 3);
        QVERIFY(
            Hal::map_filled(range.base, ReadonlyBytes(content, 100), Hal::Protection::ReadWrite).is_error());
        QVERIFY(!Hal::map_filled(
            range.base + page_size, ReadonlyBytes(content, page_size), Hal::Protection::ReadWrite)
                     .is_error());
        QVERIFY(memcmp(reinterpret_cast<void const*>(range.base + page_size), content, page_size) == 0);
        auto state = Hal::query(range.base + page_size);
        QVERIFY(state.has_value() && !state->dirty && state->protection == Hal::Protection::ReadWrite);
        u64 bitmap[1];
        QCOMPARE(Hal::collect_dirty_pages(range.base, 4, bitmap, Hal::ClearDirty::No), 0u);
        *word_at(range.base + page_size + 8) = 99;
        QCOMPARE(Hal::collect_dirty_pages(range.base, 4, bitmap, Hal::ClearDirty::Yes), 1u);
        QCOMPARE(bitmap[0], 2u);
        // Over a mapped page: replaced, clean again.
        QVERIFY(!Hal::map_filled(
            range.base + page_size, ReadonlyBytes(content, page_size), Hal::Protection::ReadWrite)
                     .is_error());
        QCOMPARE(*word_at(range.base + page_size + 8), *reinterpret_cast<u64 const*>(content + 8));
        QCOMPARE(Hal::collect_dirty_pages(range.base, 4, bitmap, Hal::ClearDirty::No), 0u);
        Hal::release_range(range);
    }

    void fault_hook_fills_pages_with_map_filled()
    {
        // Lazy restore as the persistent address space does it: the hook maps the page filled
        // (no nested fault from writing a clean page) and the faulting read sees the content.
        auto range = reserve(8);
        struct Filler {
            int volatile calls {0};
        } filler;
        auto fill = [](void* context, FlatPtr address, Hal::FaultAccess) {
            auto& state = *static_cast<Filler*>(context);
            state.calls = state.calls + 1;
            u64 words[page_size / sizeof(u64)];
            FlatPtr page = address & ~(page_size - 1);
            for (usize i = 0; i < array_size(words); ++i)
                words[i] = page + i;
            auto mapped = Hal::map_filled(page, ReadonlyBytes(reinterpret_cast<u8 const*>(words), page_size),
                Hal::Protection::ReadWrite);
            return mapped.is_error() ? Hal::FaultResolution::Unhandled : Hal::FaultResolution::Resolved;
        };
        QVERIFY(!Hal::register_fault_handler(range, fill, &filler).is_error());
        FlatPtr page = range.base + 3 * page_size;
        QCOMPARE(*word_at(page + 10 * sizeof(u64)), page + 10);
        QCOMPARE(filler.calls, 1);
        *word_at(page + 16) = 5; // a write to the clean page: dirty tracking, not the hook
        QCOMPARE(filler.calls, 1);
        u64 bitmap[1];
        QCOMPARE(Hal::collect_dirty_pages(range.base, 8, bitmap, Hal::ClearDirty::Yes), 1u);
        QCOMPARE(bitmap[0], 1ull << 3);
        Hal::unregister_fault_handler(range);
        Hal::release_range(range);
    }

    void write_protect_fault_then_unprotect()
    {
        auto range = reserve(4);
        FaultLog log;
        QVERIFY(!Hal::register_fault_handler(range, map_on_fault, &log).is_error());
        QVERIFY(!Hal::map_zeroed(range.base, range.size, Hal::Protection::ReadOnly).is_error());
        QCOMPARE(*word_at(range.base + page_size), 0u);
        QCOMPARE(log.calls, 0);
        *word_at(range.base + page_size + 8) = 7;
        QCOMPARE(log.calls, 1);
        QVERIFY(log.last_access == Hal::FaultAccess::Write);
        QCOMPARE(*word_at(range.base + page_size + 8), 7u);
        *word_at(range.base + page_size + 16) = 8;
        QCOMPARE(log.calls, 1);
        // The write after unprotecting counts as dirty; the other pages stay clean.
        u64 bitmap[1];
        QCOMPARE(Hal::collect_dirty_pages(range.base, 4, bitmap, Hal::ClearDirty::Yes), 1u);
        QCOMPARE(bitmap[0], 2u);
        Hal::release_range(range);
    }

    void unhandled_fault_is_reported()
    {
        int output[2];
        QCOMPARE(pipe(output), 0);
        pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            dup2(output[1], STDERR_FILENO);
            close(output[0]);
            Hosted::install_panic_handlers(Hosted::PanicExit::TestVerdict);
            auto range = reserve(1);
            static FaultLog log;
            log.answer = Hal::FaultResolution::Unhandled;
            if (Hal::register_fault_handler(range, map_on_fault, &log).is_error())
                _exit(10);
            *word_at(range.base + 0x40) = 1;
            _exit(11); // not reached: the fault must end in the panic report
        }
        close(output[1]);
        QByteArray report;
        char buffer[4096];
        for (ssize_t count; (count = read(output[0], buffer, sizeof(buffer))) > 0;)
            report.append(buffer, static_cast<int>(count));
        close(output[0]);
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 3, report.constData());
        QVERIFY2(report.contains("PANIC: signal 11 SIGSEGV (page fault) address=0x"), report.constData());
        QVERIFY2(report.contains("PANIC end"), report.constData());
    }
};

QTEST_GUILESS_MAIN(HalMemoryTest)
#include "HalMemoryTest.moc"
