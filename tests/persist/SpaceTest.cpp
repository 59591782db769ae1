/*
 * persist.free_space, persist.deferred_open, persist.late_damage: the store's free-space
 * bookkeeping and the open that costs the same for any size of world.
 *   free_space     after every snapshot, roll-back and reopen, the free blocks the store
 *                  counts incrementally are exactly what a full recount of the disk finds,
 *                  and every kept generation still reads back exactly
 *   deferred_open  a Deferred open reads the same few blocks for a small and a large world
 *                  (a Metadata open reads more for the large one); the world is usable at
 *                  once and the first commit learns the free space
 *   late_damage    a damaged node found after a Deferred open stops snapshots, commits the
 *                  newest healthy generation again, and the next open boots that content
 *   pending_snapshot  a snapshot written in batches equals one written at once; one dropped
 *                  uncommitted, or failing for lack of space, gives every block back
 */
#include "StoreTestSupport.h"

#include <set>

using namespace Persist;
using namespace StoreTestSupport;

namespace {

void mark_tree(std::vector<u8> const& image, std::set<u32>& used, u32 block, int level)
{
    if (block == 0)
        return;
    used.insert(block);
    if (level < 0)
        return;
    NodeBlock node;
    std::memcpy(&node, image.data() + static_cast<usize>(block) * Hal::block_size, sizeof(node));
    for (auto const& entry : node.entries)
        mark_tree(image, used, entry.block, level - 1);
}

// The free blocks of the disk counted independently of the store: every block reachable from
// a kept generation's page map, read straight from the image, is used.
u64 recounted_free_blocks(MemoryBlockDevice& device, PersistentStore const& store)
{
    auto const& image = device.image();
    std::set<u64> kept;
    auto generations = store.generations();
    if (generations.is_error())
        qFatal("generations() failed");
    for (auto const& info : generations.value())
        kept.insert(info.generation);
    std::set<u32> used {0, 1};
    std::set<u64> walked;
    for (u64 slot = 0; slot < superblock_slot_count; ++slot) {
        Superblock superblock;
        std::memcpy(&superblock, image.data() + slot * Hal::block_size, sizeof(superblock));
        for (u32 i = 0; i < superblock.record_count && i < maximum_kept_generations; ++i) {
            auto const& record = superblock.records[i];
            if (!kept.count(record.generation) || !walked.insert(record.generation).second)
                continue;
            mark_tree(image, used, record.root_block, page_map_depth - 1);
        }
    }
    return device.block_count() - used.size();
}

// A world of `pages` pages spread over many leaves, committed as generation 1.
World build_world(MemoryBlockDevice& device, u64 pages)
{
    World world;
    auto store = open_store(device, {8, Verification::Metadata, {}});
    auto info = commit_pages(*store, world, pages, 600'000, 7);
    if (info.is_error())
        qFatal("commit failed");
    return world;
}

} // namespace

class SpaceTest : public QObject {
    Q_OBJECT

private slots:
    void freeSpace()
    {
        MemoryBlockDevice device(3000);
        QVERIFY(!PersistentStore::format(device, 3).is_error());
        std::map<u64, World> worlds;
        World world;
        worlds[0] = world;
        auto store = open_store(device, {3, Verification::Deferred, {}});
        for (u64 round = 1; round <= 60; ++round) {
            if (round % 13 == 0) {
                // Roll back to the oldest kept generation.
                auto kept = store->generations();
                QVERIFY(!kept.is_error());
                u64 target = kept.value().last().generation;
                auto info = store->roll_back_to(target, {round, 0});
                QVERIFY(!info.is_error());
                world = worlds[target];
                worlds[info.value().generation] = world;
            } else if (round % 7 == 0) {
                // Drop a few pages: absent pages free their blocks too.
                std::vector<DirtyPage> removed;
                for (auto it = world.begin(); it != world.end() && removed.size() < 4; ++it)
                    removed.push_back({it->first, nullptr});
                for (auto const& page : removed)
                    world.erase(page.index);
                auto info = store->commit_snapshot(Span<DirtyPage const>(removed.data(), removed.size()), {});
                QVERIFY(!info.is_error());
                worlds[info.value().generation] = world;
            } else {
                auto info = commit_pages(*store, world, 3 + round % 11, 2000 + round * 37, round);
                QVERIFY2(!info.is_error(), qPrintable(QString("round %1").arg(round)));
                worlds[info.value().generation] = world;
            }
            if (round % 17 == 0)
                store = open_store(device, {3, Verification::Deferred, {}});
            if (!store->is_space_ready())
                QVERIFY(!store->prepare_space().is_error());
            QCOMPARE(store->free_block_count(), recounted_free_blocks(device, *store));
            auto kept = store->generations();
            QVERIFY(!kept.is_error());
            for (auto const& generation : kept.value())
                QVERIFY2(holds(*store, generation.generation, worlds[generation.generation]),
                    qPrintable(QString("round %1 generation %2").arg(round).arg(generation.generation)));
        }
    }

    void deferredOpen()
    {
        MemoryBlockDevice small(40'000);
        MemoryBlockDevice large(40'000);
        QVERIFY(!PersistentStore::format(small).is_error());
        QVERIFY(!PersistentStore::format(large).is_error());
        auto small_world = build_world(small, 64);
        auto large_world = build_world(large, 20'000);

        u64 before = small.blocks_read();
        auto small_store = open_store(small, {8, Verification::Deferred, {}});
        u64 small_reads = small.blocks_read() - before;
        before = large.blocks_read();
        auto large_store = open_store(large, {8, Verification::Deferred, {}});
        u64 large_reads = large.blocks_read() - before;
        QCOMPARE(small_reads, large_reads);
        QVERIFY2(large_reads <= 3, qPrintable(QString("%1 blocks read").arg(large_reads)));
        QVERIFY(!large_store->is_space_ready());

        // The full check at open reads every page-map node: far more for the large world.
        before = large.blocks_read();
        (void)open_store(large, {8, Verification::Metadata, {}});
        QVERIFY(large.blocks_read() - before > 10 * large_reads);

        // Usable at once: pages read lazily; the first commit learns the free space itself.
        QVERIFY(holds(*large_store, 1, large_world));
        auto info = commit_pages(*large_store, large_world, 100, 600'000, 99);
        QVERIFY(!info.is_error());
        QVERIFY(large_store->is_space_ready());
        QCOMPARE(large_store->free_block_count(), recounted_free_blocks(large, *large_store));
        QVERIFY(holds(*small_store, 1, small_world));
    }

    void lateDamage()
    {
        MemoryBlockDevice device(20'000);
        QVERIFY(!PersistentStore::format(device).is_error());
        std::map<u64, World> worlds;
        World world;
        {
            auto store = open_store(device);
            for (u64 round = 1; round <= 3; ++round) {
                device.forget_written_blocks();
                auto info = commit_pages(*store, world, 600, 600'000, round);
                QVERIFY(!info.is_error());
                worlds[info.value().generation] = world;
            }
        }
        // A leaf of the newest generation (not its root, which open checks).
        u64 leaf = 0;
        for (auto block : device.written_blocks()) {
            NodeBlock node;
            std::memcpy(&node, device.image().data() + block * Hal::block_size, sizeof(node));
            if (node.magic == node_magic && node.level == 0) {
                leaf = block;
                break;
            }
        }
        QVERIFY(leaf != 0);
        device.image()[leaf * Hal::block_size + 100] ^= 0x10;

        auto store = open_store(device, {8, Verification::Deferred, {}});
        QCOMPARE(store->boot_generation().generation, 3u);
        QVERIFY(!store->prepare_space().is_error());
        QVERIFY(store->is_boot_generation_damaged());
        World untouched = world;
        auto refused = commit_pages(*store, untouched, 5, 1000, 50);
        QVERIFY(refused.is_error());
        QCOMPARE(refused.error().code(), ErrorCode::Corrupted);

        auto reopened = open_store(device, {8, Verification::Everything, {}});
        QCOMPARE(reopened->boot_generation().generation, 4u);
        QVERIFY(holds(*reopened, 4, worlds[2]));
    }

    void pendingSnapshot()
    {
        MemoryBlockDevice device(400);
        QVERIFY(!PersistentStore::format(device).is_error());
        auto store = open_store(device);
        World world;
        QVERIFY(!commit_pages(*store, world, 50, 5000, 1).is_error());
        u64 free_before = store->free_block_count();

        // Dropped uncommitted: every block comes back.
        std::vector<Page> pages;
        std::vector<DirtyPage> dirty;
        for (u64 i = 0; i < 120; ++i) {
            pages.push_back(make_page(9, i * 13, 5));
            dirty.push_back({i * 13, nullptr});
        }
        for (u64 i = 0; i < 120; ++i)
            dirty[i].content = pages[i].data();
        {
            auto pending = store->begin_snapshot();
            QVERIFY(!pending.is_error());
            QVERIFY(!pending.value()->add(Span<DirtyPage const>(dirty.data(), 60)).is_error());
            QVERIFY(store->free_block_count() < free_before);
        }
        QCOMPARE(store->free_block_count(), free_before);

        // In three batches, the same page twice (the last content wins).
        {
            auto pending = store->begin_snapshot();
            QVERIFY(!pending.is_error());
            for (usize first = 0; first < 120; first += 40)
                QVERIFY(!pending.value()->add(Span<DirtyPage const>(dirty.data() + first, 40)).is_error());
            Page again = make_page(10, 0, 6);
            DirtyPage twice {0, again.data()};
            QVERIFY(!pending.value()->add(Span<DirtyPage const>(&twice, 1)).is_error());
            auto info = store->commit_snapshot(*pending.value(), {});
            QVERIFY(!info.is_error());
            for (u64 i = 0; i < 120; ++i)
                world[i * 13] = pages[i];
            world[0] = again;
            QVERIFY(holds(*store, info.value().generation, world));
        }
        QCOMPARE(store->free_block_count(), recounted_free_blocks(device, *store));

        // Out of space half-way: the snapshot fails, its blocks come back, the store goes on.
        u64 free_now = store->free_block_count();
        {
            std::vector<Page> many;
            std::vector<DirtyPage> big;
            for (u64 i = 0; i < 500; ++i)
                many.push_back(make_page(11, i, 7));
            for (u64 i = 0; i < 500; ++i)
                big.push_back({i, many[i].data()});
            auto pending = store->begin_snapshot();
            QVERIFY(!pending.is_error());
            auto added = pending.value()->add(Span<DirtyPage const>(big.data(), big.size()));
            QVERIFY(added.is_error());
            QCOMPARE(added.error().code(), ErrorCode::NoSpace);
            QVERIFY(store->commit_snapshot(*pending.value(), {}).is_error());
        }
        QCOMPARE(store->free_block_count(), free_now);
        QVERIFY(!commit_pages(*store, world, 5, 5000, 3).is_error());
        QVERIFY(holds(*store, store->boot_generation().generation, world));
    }
};

QTEST_GUILESS_MAIN(SpaceTest)
#include "SpaceTest.moc"
