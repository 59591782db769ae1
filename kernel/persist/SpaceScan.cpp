/*
 * kernel/persist/SpaceScan.cpp: how PersistentStore learns which blocks are in use without
 * storing a free-space map on disk (docs/disk-format.md, "Free space").
 *
 * The kept generations are taken oldest first. The oldest one's page map is walked whole;
 * each newer one is compared with the one before it, descending only where the two trees
 * point at different blocks (a block is never rewritten while a kept generation references
 * it, so the same block number means the same subtree). The comparison yields, per
 * generation, the blocks it stopped using ("dying" from that generation on) and the blocks
 * it started using. A commit extends the same bookkeeping by the nodes and pages it replaced,
 * so after the one scan every snapshot costs what it writes, not what the world holds.
 * Every node read is checked against its parent's checksum on the way, so the scan is also
 * the full metadata check of every kept generation.
 */
#include <base/Log.h>
#include <kernel/persist/PersistentStore.h>

namespace Persist {

// Two nodes per level: the older and the newer tree's node at that level.
struct PersistentStore::DiffScratch {
    NodeBlock older[page_map_depth];
    NodeBlock newer[page_map_depth];
};

namespace {

    constexpr u8 leaf_children = 0xFF;

    bool points_outside(u32 block, u64 block_count)
    {
        return block < first_allocatable_block || block >= block_count;
    }

} // namespace

ErrorOr<void> PersistentStore::mark_tree(
    SpaceScan& scan, NodeEntry entry, u8 level, DiffScratch& scratch) const
{
    if (entry.block == 0)
        return {};
    if (points_outside(entry.block, m_device.block_count()))
        return Error::with_message(ErrorCode::Corrupted, "A page-map entry points outside the disk."sv);
    scan.allocator.mark_used(entry.block);
    scan.dying.remove(entry.block);
    if (level == leaf_children)
        return {};
    auto& node = scratch.newer[level];
    TRY(read_node(entry.block, entry.checksum, level, node));
    for (u32 i = 0; i < node_fanout; ++i) {
        NodeEntry child = node.entries[i];
        TRY(mark_tree(scan, child, level == 0 ? leaf_children : static_cast<u8>(level - 1), scratch));
    }
    return {};
}

ErrorOr<void> PersistentStore::diff_trees(
    SpaceScan& scan, u64 generation, NodeEntry older, NodeEntry newer, u8 level, DiffScratch& scratch) const
{
    if (older.block == newer.block)
        return {};
    if (newer.block != 0 && points_outside(newer.block, m_device.block_count()))
        return Error::with_message(ErrorCode::Corrupted, "A page-map entry points outside the disk."sv);
    // A block the older tree used and this generation does not: dying from here on, unless a
    // newer generation (a roll-back) takes it up again.
    if (older.block != 0 && !scan.dying.contains(older.block))
        TRY(scan.dying.try_set(older.block, generation));
    if (newer.block != 0) {
        scan.allocator.mark_used(newer.block);
        scan.dying.remove(newer.block);
    }
    if (level == leaf_children)
        return {};
    NodeBlock* older_node = nullptr;
    NodeBlock* newer_node = nullptr;
    if (older.block != 0) {
        older_node = &scratch.older[level];
        TRY(read_node(older.block, older.checksum, level, *older_node));
    }
    if (newer.block != 0) {
        newer_node = &scratch.newer[level];
        TRY(read_node(newer.block, newer.checksum, level, *newer_node));
    }
    u8 child_level = level == 0 ? leaf_children : static_cast<u8>(level - 1);
    for (u32 i = 0; i < node_fanout; ++i) {
        NodeEntry older_child = older_node ? older_node->entries[i] : NodeEntry {0, 0};
        NodeEntry newer_child = newer_node ? newer_node->entries[i] : NodeEntry {0, 0};
        TRY(diff_trees(scan, generation, older_child, newer_child, child_level, scratch));
    }
    return {};
}

ErrorOr<void> PersistentStore::scan_generations(SpaceScan& scan, Span<GenerationRecord const> ascending) const
{
    auto scratch = TRY(try_make<DiffScratch>());
    TRY(scan.allocator.reset(m_device.block_count()));
    scan.dying.clear();
    for (usize i = 0; i < ascending.size(); ++i) {
        auto const& record = ascending[i];
        scan.failed_generation = record.generation;
        NodeEntry root {record.root_block, record.root_checksum};
        if (i == 0) {
            TRY(mark_tree(scan, root, page_map_depth - 1, *scratch));
            continue;
        }
        auto const& previous = ascending[i - 1];
        TRY(diff_trees(scan, record.generation, {previous.root_block, previous.root_checksum}, root,
            page_map_depth - 1, *scratch));
    }
    return {};
}

ErrorOr<NonnullOwnPtr<SpaceScan>> PersistentStore::scan_space() const
{
    auto scan = TRY(try_make<SpaceScan>());
    for (;;) {
        Vector<GenerationRecord> ascending;
        auto records = TRY(protected_records());
        for (usize i = records.size(); i-- > 0;) {
            bool damaged = false;
            for (auto generation : scan->damaged)
                damaged = damaged || generation == records[i].generation;
            if (!damaged)
                TRY(ascending.try_append(records[i]));
        }
        auto result = scan_generations(*scan, ascending.span());
        if (!result.is_error())
            return scan;
        if (result.error().code() != ErrorCode::Corrupted)
            return result.release_error();
        // A node failed its check: the generation being read is damaged (and so is any newer
        // one sharing the node, which the next pass finds in its turn). Scan again without it.
        logln("persist: generation {} is damaged ({}); it will not be used", scan->failed_generation,
            result.error());
        TRY(scan->damaged.try_append(scan->failed_generation));
    }
}

ErrorOr<void> PersistentStore::install_scan(SpaceScan& scan)
{
    m_allocator = move(scan.allocator);
    m_dying = move(scan.dying);
    m_space_ready = true;
    TRY(forget_damaged(scan.damaged.span()));
    release_dead_blocks();
    return {};
}

ErrorOr<void> PersistentStore::rebuild_free_space()
{
    auto scan = TRY(scan_space());
    return install_scan(*scan);
}

ErrorOr<void> PersistentStore::adopt_space(SpaceScan& scan)
{
    bool boot_damaged = false;
    for (auto generation : scan.damaged)
        boot_damaged = boot_damaged || generation == m_boot.generation;
    TRY(install_scan(scan));
    if (!boot_damaged)
        return {};

    m_boot_damaged = true;
    auto healthy = TRY(protected_records());
    if (healthy.is_empty()) {
        logln("persist: generation {}, the one running, is damaged and no healthy generation is left; "
              "snapshots stop",
            m_boot.generation);
        return {};
    }
    // Make the next start use the newest healthy generation: commit its content again as the
    // newest generation.
    auto fallback = healthy[0];
    logln("persist: generation {}, the one running, is damaged; snapshots stop and the next start "
          "continues from generation {}",
        m_boot.generation, fallback.generation);
    m_boot = fallback;
    auto rolled_back = commit(fallback, {}, {});
    if (rolled_back.is_error())
        logln("persist: the fall-back to generation {} could not be committed ({})", fallback.generation,
            rolled_back.error());
    return {};
}

ErrorOr<void> PersistentStore::prepare_space()
{
    auto scan = TRY(scan_space());
    return adopt_space(*scan);
}

ErrorOr<void> PersistentStore::forget_damaged(Span<u64 const> damaged)
{
    for (auto generation : damaged) {
        bool known = false;
        for (auto already : m_damaged)
            known = known || already == generation;
        if (!known)
            TRY(m_damaged.try_append(generation));
    }
    for (auto& state : m_slots) {
        state.records.remove_all_matching([&](GenerationRecord const& record) {
            for (auto generation : damaged) {
                if (generation == record.generation)
                    return true;
            }
            return false;
        });
    }
    return {};
}

u64 PersistentStore::newest_kept_generation() const
{
    u64 newest = 0;
    for (auto const& state : m_slots) {
        for (auto const& record : state.records)
            newest = max(newest, record.generation);
    }
    return newest;
}

void PersistentStore::release_dead_blocks()
{
    // The oldest kept generation: blocks dying at or before it are used by no kept generation.
    Optional<u64> oldest;
    for (auto const& state : m_slots) {
        for (auto const& record : state.records) {
            if (!oldest.has_value() || record.generation < *oldest)
                oldest = record.generation;
        }
    }
    if (!oldest.has_value())
        return;
    m_dying.remove_all_matching([&](auto& entry) {
        if (entry.value > *oldest)
            return false;
        m_allocator.release(entry.key);
        return true;
    });
}

} // namespace Persist
