/*
 * persist.*: kernel/persist's PersistentStore on in-memory disks that fail or tear writes.
 *   round_trip            many generations written and read back byte-exact after reopening
 *   every_write_position  a failure or a torn write at every write/flush of a snapshot in
 *                         turn: reopening always yields the last committed generation exactly
 *   bit_flip              a flipped bit in any written block is detected and never used
 *   disk_full             NoSpace fails the snapshot cleanly; the previous generation stays
 *   kept_generations      only K generations are kept and their blocks are reused
 *   rollback              an older generation becomes the booted one, and stays after reopen
 */
#include "StoreTestSupport.h"

#include <QtTest>

#include <array>
#include <map>

using namespace Persist;
using namespace StoreTestSupport;

class PersistTest : public QObject {
    Q_OBJECT

private slots:
    void roundTrip()
    {
        MemoryBlockDevice device(4096);
        QVERIFY(!PersistentStore::format(device).is_error());
        std::map<u64, World> worlds;
        World world;
        worlds[0] = world;
        {
            auto store = open_store(device);
            QCOMPARE(store->boot_generation().generation, 0u);
            for (u64 round = 1; round <= 20; ++round) {
                // Pages spread over several leaves and middle nodes of the page map.
                auto info = commit_pages(*store, world, 1 + round % 9, 600'000, round);
                QVERIFY(!info.is_error());
                QCOMPARE(info.value().generation, round);
                worlds[round] = world;
            }
            QVERIFY(holds(*store, 20, world));
        }
        auto reopened = open_store(device, {8, Verification::Everything, {}});
        QCOMPARE(reopened->boot_generation().generation, 20u);
        QCOMPARE(reopened->boot_generation().page_count, world.size());
        auto generations = reopened->generations();
        QVERIFY(!generations.is_error());
        QVERIFY(generations.value().size() >= 8);
        for (auto const& info : generations.value()) {
            QVERIFY(holds(*reopened, info.generation, worlds[info.generation]));
            QVERIFY(!reopened->verify_generation(info.generation).is_error());
        }
        // An absent page reads as zeros.
        Page buffer;
        buffer.fill(1);
        auto present = reopened->read_page(20, 599'999 + 1, Bytes(buffer.data(), buffer.size()));
        QVERIFY(!present.is_error());
        QVERIFY(!present.value());
        QCOMPARE(buffer[100], 0);
        // A removed page is absent in the next generation.
        u64 removed = world.begin()->first;
        DirtyPage removal {removed, nullptr};
        QVERIFY(!reopened->commit_snapshot(Span<DirtyPage const>(&removal, 1), {}).is_error());
        world.erase(removed);
        QVERIFY(holds(*reopened, 21, world));
    }

    void everyWritePosition()
    {
        MemoryBlockDevice base(1024);
        QVERIFY(!PersistentStore::format(base).is_error());
        World committed;
        {
            auto store = open_store(base);
            for (u64 round = 1; round <= 3; ++round)
                QVERIFY(!commit_pages(*store, committed, 6, 2000, round).is_error());
        }
        // Count the operations of the snapshot under test on an undisturbed copy.
        u64 operations = 0;
        {
            MemoryBlockDevice copy(base.image());
            auto store = open_store(copy);
            World scratch = committed;
            u64 before = copy.operations();
            QVERIFY(!commit_pages(*store, scratch, 12, 2000, 99).is_error());
            operations = copy.operations() - before;
        }
        QVERIFY(operations > 12 + 3 + 3);
        usize torn_lengths[] = {0, 1, 100, 2048, 4095};
        u64 cases = 0;
        for (u64 position = 0; position < operations; ++position) {
            for (int variant = 0; variant < 4; ++variant) {
                MemoryBlockDevice device(base.image());
                auto store = open_store(device);
                World world = committed;
                u64 committed_generation = store->boot_generation().generation;
                auto kind = variant == 0 ? FaultKind::Fail : FaultKind::Tear;
                device.inject(kind, position, torn_lengths[(position + variant) % 5]);
                auto result = commit_pages(*store, world, 12, 2000, 99);
                world = expected_world(committed, committed_generation + 1, 12, 2000, 99);
                QVERIFY2(result.is_error(),
                    qPrintable(QString("position %1 variant %2").arg(position).arg(variant)));
                auto unflushed = variant == 3 ? Unflushed::Drop : Unflushed::Keep;
                MemoryBlockDevice rebooted(device.crash_image(unflushed));
                auto recovered = open_store(rebooted, {8, Verification::Everything, {}});
                u64 recovered_generation = recovered->boot_generation().generation;
                if (recovered_generation != committed_generation) {
                    // Only a fault at the superblock write (a torn prefix that still holds
                    // every non-zero byte of it) or at the final FLUSH may leave the new
                    // generation committed; then it must be exact too.
                    QVERIFY(position >= operations - 2);
                    QCOMPARE(recovered_generation, committed_generation + 1);
                    QVERIFY(holds(*recovered, recovered_generation, world));
                }
                QVERIFY(holds(*recovered, committed_generation, committed));
                if (kind == FaultKind::Fail) {
                    // The store survives a failed write: the next snapshot commits.
                    World retried = committed;
                    auto again = commit_pages(*store, retried, 12, 2000, 98);
                    QVERIFY(!again.is_error());
                    MemoryBlockDevice after(device.crash_image(Unflushed::Drop));
                    auto reopened = open_store(after, {8, Verification::Everything, {}});
                    QCOMPARE(reopened->boot_generation().generation, again.value().generation);
                    QVERIFY(holds(*reopened, again.value().generation, retried));
                    QVERIFY(holds(*reopened, committed_generation, committed));
                }
                ++cases;
            }
        }
        QCOMPARE(cases, operations * 4);
    }

    void bitFlip()
    {
        MemoryBlockDevice base(512);
        QVERIFY(!PersistentStore::format(base).is_error());
        std::map<u64, World> worlds;
        World world;
        worlds[0] = world;
        u64 newest = 0;
        {
            auto store = open_store(base);
            for (u64 round = 1; round <= 4; ++round) {
                base.forget_written_blocks();
                auto info = commit_pages(*store, world, 5, 3000, round);
                QVERIFY(!info.is_error());
                newest = info.value().generation;
                worlds[newest] = world;
            }
        }
        auto newest_blocks = base.written_blocks(); // everything the last snapshot wrote
        u64 fallbacks = 0;
        for (u64 block = 0; block < 64; ++block) {
            auto image = base.image();
            u64 bit = (block * 7919) % (Hal::block_size * 8);
            image[block * Hal::block_size + bit / 8] ^= static_cast<u8>(1u << (bit % 8));
            MemoryBlockDevice device(image);
            auto store = open_store(device, {8, Verification::Everything, {}});
            u64 boot = store->boot_generation().generation;
            QVERIFY(holds(*store, boot, worlds[boot]));
            if (newest_blocks.count(block)) {
                QVERIFY2(boot < newest, qPrintable(QString("block %1").arg(block)));
                ++fallbacks;
            } else {
                // The block may be shared with older generations: then they fall back too, and
                // the damage is reported.
                QVERIFY(boot == newest || !store->damaged_generations().is_empty());
            }
        }
        QVERIFY(fallbacks >= 5);
        // Without the full check a flipped data page is refused when it is read.
        auto image = base.image();
        u64 data_block = 0;
        {
            MemoryBlockDevice device(image);
            auto store = open_store(device);
            for (u64 block : newest_blocks) {
                if (block >= 2) {
                    data_block = block;
                    break;
                }
            }
        }
        QVERIFY(data_block >= 2);
        image[data_block * Hal::block_size + 10] ^= 0x20;
        MemoryBlockDevice device(image);
        auto store = open_store(device);
        bool refused = false;
        Page buffer;
        for (auto const& [index, page] : worlds[newest]) {
            auto present = store->read_page(
                store->boot_generation().generation, index, Bytes(buffer.data(), buffer.size()));
            if (present.is_error()) {
                QCOMPARE(present.error().code(), ErrorCode::Corrupted);
                refused = true;
            } else {
                QVERIFY(buffer == page);
            }
        }
        QVERIFY(refused || store->boot_generation().generation < newest);
    }

    void diskFull()
    {
        MemoryBlockDevice device(48);
        QVERIFY(!PersistentStore::format(device).is_error());
        auto store = open_store(device);
        World world;
        u64 last = 0;
        bool full = false;
        for (u64 round = 1; round <= 20 && !full; ++round) {
            auto info = commit_pages(*store, world, 6, 100'000, round);
            if (info.is_error()) {
                QCOMPARE(info.error().code(), ErrorCode::NoSpace);
                full = true;
            } else {
                last = info.value().generation;
            }
        }
        QVERIFY(full);
        QCOMPARE(store->boot_generation().generation, last);
        QVERIFY(holds(*store, last, world));
        auto reopened = open_store(device, {8, Verification::Everything, {}});
        QCOMPARE(reopened->boot_generation().generation, last);
        QVERIFY(holds(*reopened, last, world));
    }

    void keptGenerations()
    {
        // 40 snapshots of 4 pages need far more than 128 blocks unless old blocks are reused.
        MemoryBlockDevice device(128);
        QVERIFY(!PersistentStore::format(device, 3).is_error());
        std::map<u64, World> worlds;
        World world;
        auto store = open_store(device, {3, Verification::Metadata, {}});
        for (u64 round = 1; round <= 40; ++round) {
            auto info = commit_pages(*store, world, 4, 40, round);
            QVERIFY2(!info.is_error(), qPrintable(QString("round %1").arg(round)));
            worlds[info.value().generation] = world;
        }
        auto reopened = open_store(device, {3, Verification::Everything, {}});
        auto generations = reopened->generations();
        QVERIFY(!generations.is_error());
        QVERIFY(generations.value().size() >= 3 && generations.value().size() <= 4);
        QCOMPARE(generations.value()[0].generation, 40u);
        for (auto const& info : generations.value())
            QVERIFY(holds(*reopened, info.generation, worlds[info.generation]));
        Page buffer;
        QCOMPARE(reopened->read_page(30, 0, Bytes(buffer.data(), buffer.size())).error().code(),
            ErrorCode::NotFound);
    }

    void rollback()
    {
        MemoryBlockDevice device(1024);
        QVERIFY(!PersistentStore::format(device).is_error());
        std::map<u64, World> worlds;
        World world;
        auto store = open_store(device);
        for (u64 round = 1; round <= 5; ++round) {
            auto info = commit_pages(*store, world, 5, 700, round);
            QVERIFY(!info.is_error());
            worlds[info.value().generation] = world;
        }
        auto rolled = store->roll_back_to(3, {});
        QVERIFY(!rolled.is_error());
        QCOMPARE(rolled.value().generation, 6u);
        QCOMPARE(rolled.value().pages_written, 0u);
        QVERIFY(holds(*store, 6, worlds[3]));
        // Snapshots continue from the rolled-back world; the newer ones can still be opened.
        World continued = worlds[3];
        QVERIFY(!commit_pages(*store, continued, 3, 700, 77).is_error());
        auto reopened = open_store(device, {8, Verification::Everything, {}});
        QCOMPARE(reopened->boot_generation().generation, 7u);
        QVERIFY(holds(*reopened, 7, continued));
        QVERIFY(holds(*reopened, 5, worlds[5]));
        // Booting a chosen generation without committing.
        auto chosen = open_store(device, {8, Verification::Everything, 2u});
        QCOMPARE(chosen->boot_generation().generation, 2u);
        QVERIFY(holds(*chosen, 2, worlds[2]));
    }
};

QTEST_GUILESS_MAIN(PersistTest)
#include "PersistTest.moc"
