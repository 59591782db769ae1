/*
 * persist.pas_*: the live persistent address space (kernel/persist/PersistentAddressSpace)
 * on the hosted HAL, over in-memory disks.
 *   pas_round_trip     values written, snapshotted and reopened in a fresh PAS come back
 *                      lazily: nothing is read before the first touch; a page only read
 *                      after restore is not written again
 *   pas_copy_on_write  a mutator keeps writing during slow in-flight snapshots: each snapshot
 *                      is exactly one consistent pre-snapshot state, with copy-on-write used
 *   pas_disk_full      a snapshot that hits a full disk or an I/O error fails cleanly: the
 *                      previous generation stays, the PAS keeps running, and the pages go
 *                      into the next snapshot
 */
#include "MemoryBlockDevice.h"

#include <kernel/hal/Threads.h>
#include <kernel/persist/PersistentAddressSpace.h>

#include <QtTest>

#include <mutex>
#include <unistd.h>

using namespace Persist;

namespace {

// Makes a MemoryBlockDevice safe to share between the fault hook and the snapshot writer,
// counts reads, and can make every write slow so that mutators race the writer.
class SharedBlockDevice final : public Hal::BlockDevice {
public:
    explicit SharedBlockDevice(MemoryBlockDevice& device)
        : m_device(device)
    { }

    StringView name() const override { return "shared memory"sv; }
    u64 block_count() const override { return m_device.block_count(); }
    u32 maximum_blocks_per_request() const override { return 1; }
    ErrorOr<void> submit(Hal::BlockRequest& request) override
    {
        if (request.operation == Hal::BlockOperation::Read)
            ++m_reads;
        else if (request.operation == Hal::BlockOperation::Write && m_write_delay_us != 0)
            usleep(m_write_delay_us);
        std::lock_guard guard(m_lock);
        return m_device.submit(request);
    }
    ErrorOr<void> wait(Hal::BlockRequest& request) override { return m_device.wait(request); }

    u64 reads() const { return m_reads; }
    void set_write_delay_us(u32 delay) { m_write_delay_us = delay; }

private:
    MemoryBlockDevice& m_device;
    std::mutex m_lock;
    std::atomic<u64> m_reads {0};
    std::atomic<u32> m_write_delay_us {0};
};

AddressSpaceOptions test_options(Hal::ThreadGroup* mutators = nullptr)
{
    AddressSpaceOptions options;
    options.mutators = mutators;
    options.snapshot_interval_ns = 0;
    return options;
}

u64 value_of(u64 page, u64 word, u64 round) { return (page * 0x9E3779B97F4A7C15ull) ^ (word << 8) ^ round; }

void fill(PersistentAddressSpace& space, u64 page, u64 round)
{
    auto* words = space.at<u64>(page * Hal::page_size);
    for (u64 word = 0; word < Hal::page_size / 8; ++word)
        words[word] = value_of(page, word, round);
}

bool holds(PersistentAddressSpace& space, u64 page, u64 round)
{
    auto* words = space.at<u64>(page * Hal::page_size);
    for (u64 word = 0; word < Hal::page_size / 8; ++word) {
        if (words[word] != value_of(page, word, round))
            return false;
    }
    return true;
}

// The copy-on-write mutator: iteration i fills page i % page_count with the value i.
struct Mutator {
    // Enough pages that copying them takes the writer milliseconds: the mutator, woken by
    // resume(), then writes pages the writer has not copied yet.
    static constexpr u64 page_count = 1024;
    PersistentAddressSpace* space {nullptr};
    std::atomic<bool> stop {false};
    std::atomic<u64> iterations {0};

    static void run(void* argument)
    {
        auto& self = *static_cast<Mutator*>(argument);
        for (u64 i = 1; !self.stop.load(); ++i) {
            auto* words = self.space->at<u64>((i % page_count) * Hal::page_size);
            for (u64 word = 0; word < Hal::page_size / 8; ++word)
                words[word] = i;
            self.iterations.store(i);
            Hal::safepoint();
        }
    }
};

// Checks that generation `generation` holds the state after one iteration of the mutator:
// every page uniform (no torn copy) and all of them agreeing on the same last iteration.
u64 verify_consistent_cut(PersistentStore& store, u64 generation)
{
    std::vector<u64> values(Mutator::page_count);
    std::vector<u64> page(Hal::page_size / 8);
    for (u64 index = 0; index < Mutator::page_count; ++index) {
        auto present
            = store.read_page(generation, index, Bytes(reinterpret_cast<u8*>(page.data()), Hal::page_size));
        if (present.is_error())
            return 0;
        for (u64 word : page) {
            if (word != page[0]) {
                qWarning("page %llu of generation %llu is torn", static_cast<unsigned long long>(index),
                    static_cast<unsigned long long>(generation));
                return 0;
            }
        }
        values[index] = page[0];
    }
    u64 last = *std::max_element(values.begin(), values.end());
    for (u64 index = 0; index < Mutator::page_count; ++index) {
        u64 distance = (last + Mutator::page_count - index % Mutator::page_count) % Mutator::page_count;
        u64 expected = last >= distance && last - distance >= 1 ? last - distance : 0;
        if (values[index] != expected) {
            qWarning("page %llu holds %llu, the cut at %llu needs %llu",
                static_cast<unsigned long long>(index), static_cast<unsigned long long>(values[index]),
                static_cast<unsigned long long>(last), static_cast<unsigned long long>(expected));
            return 0;
        }
    }
    return last;
}

} // namespace

class AddressSpaceTest : public QObject {
    Q_OBJECT

private slots:
    void pasRoundTrip()
    {
        MemoryBlockDevice disk(8192);
        SharedBlockDevice device(disk);
        u64 const pages[] = {0, 1, 7, 1000, 1'000'000};
        {
            auto opened = PersistentAddressSpace::open(device, test_options());
            QVERIFY(!opened.is_error());
            auto space = opened.release_value();
            QCOMPARE(space->base(), default_pas_base);
            QCOMPARE(space->committed_generation(), 0u);
            for (u64 page : pages)
                fill(*space, page, 1);
            auto first = space->snapshot();
            QVERIFY(!first.is_error());
            QCOMPARE(first.value().generation, 1u);
            QCOMPARE(first.value().pages_written, 5u);
            fill(*space, 7, 2);
            auto second = space->snapshot();
            QVERIFY(!second.is_error());
            QCOMPARE(second.value().generation, 2u);
            QCOMPARE(second.value().pages_written, 1u);
            // Nothing changed: no new generation.
            auto third = space->snapshot();
            QVERIFY(!third.is_error());
            QCOMPARE(third.value().generation, 2u);
        }

        auto reopened = PersistentAddressSpace::open(device, test_options());
        QVERIFY(!reopened.is_error());
        auto space = reopened.release_value();
        QCOMPARE(space->committed_generation(), 2u);
        u64 reads_after_open = device.reads();
        QCOMPARE(space->statistics().pages_restored, 0u);

        QVERIFY(holds(*space, 1000, 1));
        QCOMPARE(space->statistics().pages_restored, 1u);
        QVERIFY(device.reads() > reads_after_open);
        QVERIFY(holds(*space, 7, 2));
        QVERIFY(holds(*space, 1'000'000, 1));
        QVERIFY(holds(*space, 0, 1));
        QVERIFY(holds(*space, 1, 1));
        QCOMPARE(space->statistics().pages_restored, 5u);
        // A page the store never had reads as zeros.
        QCOMPARE(*space->at<u64>(5 * Hal::page_size + 8), 0u);
        QCOMPARE(space->statistics().pages_zero_filled, 1u);

        // Restored pages that were only read are clean: only the written one is stored again.
        fill(*space, 1, 3);
        auto info = space->snapshot();
        QVERIFY(!info.is_error());
        QCOMPARE(info.value().generation, 3u);
        QCOMPARE(info.value().pages_written, 1u);
        QVERIFY(holds(*space, 1, 3));
    }

    void pasCopyOnWrite()
    {
        MemoryBlockDevice disk(8192);
        SharedBlockDevice device(disk);
        Hal::ThreadGroup group;
        auto options_with_group = test_options(&group);
        // Two generations fit on this disk; each is checked right after its commit.
        options_with_group.store.kept_generations = 2;
        auto opened = PersistentAddressSpace::open(device, options_with_group);
        QVERIFY(!opened.is_error());
        auto space = opened.release_value();

        Mutator mutator;
        mutator.space = space.ptr();
        Hal::ThreadOptions options;
        options.name = "mutator"sv;
        options.group = &group;
        auto thread = Hal::create_thread(Mutator::run, &mutator, options);
        QVERIFY(!thread.is_error());
        while (mutator.iterations.load() < 4 * Mutator::page_count)
            usleep(100);

        // Every write of the snapshot now takes 200 us: the mutator also writes during the commit.
        device.set_write_delay_us(200);
        u64 previous_cut = 0;
        for (int round = 0; round < 3; ++round) {
            u64 before = mutator.iterations.load();
            auto info = space->snapshot();
            QVERIFY(!info.is_error());
            QVERIFY(info.value().pages_written > 0);
            QVERIFY(mutator.iterations.load() > before);
            // Read back while the mutator runs: no other snapshot can use the store meanwhile.
            u64 cut = verify_consistent_cut(space->store(), info.value().generation);
            QVERIFY(cut > previous_cut);
            previous_cut = cut;
        }
        mutator.stop.store(true);
        Hal::join_thread(thread.value());
        qInfo("pages copied on write by the fault hook: %llu",
            static_cast<unsigned long long>(space->statistics().copy_on_write_pages));
        QVERIFY(space->statistics().copy_on_write_pages > 0);

        // The pages written during the in-flight snapshots are dirty again for the next one.
        device.set_write_delay_us(0);
        auto last = space->snapshot();
        QVERIFY(!last.is_error());
        QCOMPARE(verify_consistent_cut(space->store(), last.value().generation), mutator.iterations.load());
    }

    void pasDiskFull()
    {
        MemoryBlockDevice disk(300);
        SharedBlockDevice device(disk);
        {
            auto opened = PersistentAddressSpace::open(device, test_options());
            QVERIFY(!opened.is_error());
            auto space = opened.release_value();
            for (u64 page = 0; page < 16; ++page)
                fill(*space, page, 1);
            auto first = space->snapshot();
            QVERIFY(!first.is_error());
            QCOMPARE(first.value().generation, 1u);

            for (u64 page = 0; page < 600; ++page)
                fill(*space, page, 2);
            auto full = space->snapshot();
            QVERIFY(full.is_error());
            QCOMPARE(full.error().code(), ErrorCode::NoSpace);
            QCOMPARE(space->committed_generation(), 1u);
            QCOMPARE(space->statistics().failed_snapshots, 1u);
            // The PAS keeps running: every page is still there and writable.
            fill(*space, 3, 4);
            for (u64 page = 0; page < 600; ++page)
                QVERIFY(holds(*space, page, page == 3 ? 4 : 2));
        }
        // The previous generation is what a restart finds.
        {
            auto opened = PersistentAddressSpace::open(device, test_options());
            QVERIFY(!opened.is_error());
            auto space = opened.release_value();
            QCOMPARE(space->committed_generation(), 1u);
            for (u64 page = 0; page < 16; ++page)
                QVERIFY(holds(*space, page, 1));
            QCOMPARE(*space->at<u64>(100 * Hal::page_size), 0u);

            // An I/O error: the snapshot fails, and the same pages go into the next one.
            fill(*space, 20, 5);
            fill(*space, 21, 5);
            disk.inject(FaultKind::Fail, 0);
            auto failed = space->snapshot();
            QVERIFY(failed.is_error());
            QCOMPARE(space->committed_generation(), 1u);
            auto retried = space->snapshot();
            QVERIFY(!retried.is_error());
            QCOMPARE(retried.value().generation, 2u);
            QCOMPARE(retried.value().pages_written, 2u);
        }
        auto store = PersistentStore::open(device);
        QVERIFY(!store.is_error());
        QCOMPARE(store.value()->boot_generation().generation, 2u);
        std::vector<u64> page(Hal::page_size / 8);
        auto present
            = store.value()->read_page(2, 21, Bytes(reinterpret_cast<u8*>(page.data()), Hal::page_size));
        QVERIFY(!present.is_error() && present.value());
        QCOMPARE(page[7], value_of(21, 7, 5));
    }
};

QTEST_GUILESS_MAIN(AddressSpaceTest)
#include "AddressSpaceTest.moc"
