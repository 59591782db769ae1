/*
 * kernel/pc/persist/PersistTests.cpp: test=ledger (the shared scenario of
 * tests/scenarios/LedgerScenario.h on the virtio disk) and test=persist_store. The latter
 * runs Persist::PersistentStore on the machine's virtio disk: format (K = 4), three
 * snapshots, then a second store opened on the same disk must boot generation 3 and read
 * back every page of generations 1 and 3 byte for byte. The disk is left as written so that
 * tests/system/PersistTest.cpp can open it on the host with phantom-disk (the same reader,
 * another port):
 *   generation 1: pages 0..7 and 600000 (version 1)
 *   generation 2: pages 2 and 5 changed (version 2), page 9 added (version 2)
 *   generation 3: page 0 removed
 */
#include <base/Log.h>
#include <kernel/hal/Block.h>
#include <kernel/hal/Time.h>
#include <kernel/pc/devices/Devices.h>
#include <kernel/pc/persist/PersistTests.h>
#include <kernel/persist/PersistentStore.h>
#include <tests/scenarios/LedgerScenario.h>

namespace Kernel::Tests {

namespace {

    using Persist::DirtyPage;
    using Persist::PersistentStore;

    constexpr u64 far_page = 600000; // in another root entry than the others

    void fill_page(u8* page, u64 index, u64 version)
    {
        for (usize i = 0; i < Hal::block_size; ++i)
            page[i] = static_cast<u8>(index * 31 + version * 7 + i);
    }

    // The version of `index` that `generation` holds, 0 when absent.
    u64 expected_version(u64 generation, u64 index)
    {
        if (generation == 3 && index == 0)
            return 0;
        if (generation >= 2 && (index == 2 || index == 5 || index == 9))
            return 2;
        if (index < 8 || index == far_page)
            return 1;
        return 0;
    }

    u8 s_pages[3][Hal::block_size];
    u8 s_read[Hal::block_size];
    u8 s_expected[Hal::block_size];

    ErrorOr<void> commit(PersistentStore& store, Span<DirtyPage const> pages)
    {
        auto info = TRY(store.commit_snapshot(pages, {Hal::wall_clock_nanoseconds(), 0}));
        logln("test: committed generation {} ({} pages written, {} present)", info.generation,
            info.pages_written, info.page_count);
        return {};
    }

    ErrorOr<void> check_generation(PersistentStore& store, u64 generation)
    {
        TRY(store.verify_generation(generation));
        for (u64 index :
            {0ull, 1ull, 2ull, 5ull, 7ull, 8ull, 9ull, 10ull, static_cast<unsigned long long>(far_page)}) {
            bool present = TRY(store.read_page(generation, index, Bytes(s_read, sizeof(s_read))));
            u64 version = expected_version(generation, index);
            if (present != (version != 0)) {
                logln("test: generation {} page {}: present={} but expected the opposite", generation, index,
                    present);
                return Error::from_string_literal("A page is present or absent against expectation.");
            }
            if (!present)
                continue;
            fill_page(s_expected, index, version);
            if (__builtin_memcmp(s_read, s_expected, Hal::block_size) != 0) {
                logln("test: generation {} page {} does not hold version {}", generation, index, version);
                return Error::from_string_literal("A page read back differs from what was committed.");
            }
        }
        return {};
    }

    ErrorOr<void> run(Hal::BlockDevice& device)
    {
        TRY(PersistentStore::format(device, 4));
        {
            auto store = TRY(PersistentStore::open(device, {4, Persist::Verification::Metadata, {}}));
            // Generation 1: pages 0..7 and the far page, written one at a time through s_pages[0].
            DirtyPage first[9];
            static u8 s_first[9][Hal::block_size];
            for (u64 i = 0; i < 9; ++i) {
                u64 index = i < 8 ? i : far_page;
                fill_page(s_first[i], index, 1);
                first[i] = {index, s_first[i]};
            }
            TRY(commit(*store, Span<DirtyPage const>(first, 9)));
            fill_page(s_pages[0], 2, 2);
            fill_page(s_pages[1], 5, 2);
            fill_page(s_pages[2], 9, 2);
            DirtyPage second[] = {{2, s_pages[0]}, {5, s_pages[1]}, {9, s_pages[2]}};
            TRY(commit(*store, Span<DirtyPage const>(second, 3)));
            DirtyPage third[] = {{0, nullptr}};
            TRY(commit(*store, Span<DirtyPage const>(third, 1)));
        }
        // A new store on the same disk: what a reboot would find.
        auto reopened = TRY(PersistentStore::open(device, {4, Persist::Verification::Everything, {}}));
        if (reopened->boot_generation().generation != 3 || !reopened->damaged_generations().is_empty())
            return Error::from_string_literal("The reopened disk does not boot generation 3 cleanly.");
        auto generations = TRY(reopened->generations());
        if (generations.size() != 4)
            return Error::from_string_literal("The reopened disk does not list generations 3, 2, 1, 0.");
        for (u64 generation = 1; generation <= 3; ++generation)
            TRY(check_generation(*reopened, generation));
        return {};
    }

} // namespace

TestVerdict persist_store()
{
    auto device = Hal::system_block_device();
    if (device.is_error()) {
        logln("test: persist_store needs a virtio-blk disk: {}", device.error());
        return TestVerdict::Fail;
    }
    if (auto result = run(*device.value()); result.is_error()) {
        logln("test: persist_store failed: {}", result.error());
        return TestVerdict::Fail;
    }
    logln("test: persist_store: 3 generations committed, reopened and read back");
    return TestVerdict::Pass;
}

TestVerdict ledger()
{
    auto device = Hal::system_block_device();
    if (device.is_error()) {
        logln("ledger: needs a virtio-blk disk: {}", device.error());
        return TestVerdict::Fail;
    }
    // The same words as phantom-hosted's arguments.
    Scenarios::LedgerOptions options;
    if (auto text = device_parameter("snapshot_ms"sv); text.has_value() && text->to_uint<u64>().has_value())
        options.snapshot_interval_ms = *text->to_uint<u64>();
    if (auto text = device_parameter("ledger_stop"sv); text.has_value() && text->to_uint<u64>().has_value())
        options.stop_after = *text->to_uint<u64>();
    auto writer = device_parameter("ledger_writer"sv);
    options.background_writer = writer.has_value() && *writer == "1"sv;
    if (auto result = Scenarios::run_ledger(*device.value(), options); result.is_error()) {
        logln("ledger: {}", result.error());
        return TestVerdict::Fail;
    }
    return TestVerdict::Pass;
}

} // namespace Kernel::Tests
