/*
 * kernel/persist/PersistentStore.h: the generations of a Phantom world on a block device.
 *
 * A PersistentStore opens a formatted disk (docs/disk-format.md), finds the newest healthy
 * committed generation, and lets its owner:
 *   - commit a snapshot: a set of dirty persistent pages (index + a stable 4 KiB copy)
 *     written copy-on-write to free blocks, then the page map, FLUSH, the superblock, FLUSH;
 *   - list the kept generations, read page N of any of them, verify one completely;
 *   - roll back: commit a new generation whose content is an older one's.
 *
 *     TRY(PersistentStore::format(device));              // once, on a blank disk
 *     auto store = TRY(PersistentStore::open(device));
 *     DirtyPage pages[] = {{7, copy_of_page_7}};
 *     auto info = TRY(store->commit_snapshot(pages, {Hal::wall_clock_nanoseconds(), pause}));
 *     bool present = TRY(store->read_page(info.generation, 7, buffer));
 *
 * Damage is never used silently: a generation whose metadata fails its CRC32C is skipped at
 * open (logged, listed in damaged_generations()); a page whose data fails it is a Corrupted
 * error. The store is not thread-safe: one owner (the snapshot writer thread) drives it.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/HashMap.h>
#include <base/Optional.h>
#include <base/OwnPtr.h>
#include <base/Span.h>
#include <base/Types.h>
#include <base/Vector.h>
#include <kernel/hal/Block.h>
#include <kernel/persist/BlockAllocator.h>
#include <kernel/persist/DiskFormat.h>

namespace Persist {

class SnapshotBuilder;
class BlockBatch;
class PersistentStore;

// What a scan of the kept page maps found (PersistentStore::scan_space()).
struct SpaceScan {
    BlockAllocator allocator;
    // Block -> the first generation that no longer uses it.
    HashMap<u32, u64> dying;
    Vector<u64> damaged;
    // The generation being read when a node failed its check.
    u64 failed_generation {0};
};

// One page of the persistent address space to store: `content` is page_size stable bytes,
// or null when the page no longer exists (it reads as absent afterwards).
struct DirtyPage {
    u64 index;
    u8 const* content;
};

// A committed generation as the IDE lists it.
struct GenerationInfo {
    u64 generation {0};
    u64 wall_time_ns {0};
    u64 pages_written {0};
    u64 page_count {0};
    u64 pause_ns {0};
};

enum class Verification : u8 {
    // Check the superblocks and the boot generation's root at open, so that opening costs the
    // same for any size of world; every other page-map node is checked when read, and all of
    // them by prepare_space(), which the first commit runs if nobody ran it before.
    Deferred,
    Metadata,   // check superblocks and every page-map node at open (data pages when read)
    Everything, // also read and check every data page of the boot generation at open
};

struct OpenOptions {
    // How many generations a commit keeps (1..maximum_kept_generations).
    u32 kept_generations {default_kept_generations};
    Verification verification {Verification::Metadata};
    // Boot this generation rather than the newest healthy one (it must be kept and healthy).
    Optional<u64> boot_generation;
};

struct SnapshotOptions {
    u64 wall_time_ns {0};
    u64 pause_ns {0};
};

// A snapshot being written (PersistentStore::begin_snapshot()). Pages are added in as many
// calls as the owner likes and their data is written as they come, so the owner needs only
// one batch of stable copies at a time. Destroying it uncommitted gives back every block it
// took; after a failed add() it can only be destroyed.
class PendingSnapshot {
public:
    ~PendingSnapshot();
    PendingSnapshot(PendingSnapshot const&) = delete;
    PendingSnapshot& operator=(PendingSnapshot const&) = delete;

    // Writes the data of `pages` and records them in the new page map. A page index given
    // twice keeps the last content.
    [[nodiscard]] ErrorOr<void> add(Span<DirtyPage const> pages);
    u64 pages_written() const { return m_record.pages_written; }

private:
    friend class PersistentStore;
    PendingSnapshot(PersistentStore&, GenerationRecord const& base);

    PersistentStore& m_store;
    GenerationRecord m_base;
    GenerationRecord m_record {};
    OwnPtr<SnapshotBuilder> m_builder;
    OwnPtr<BlockBatch> m_batch;
    bool m_on_newest {false};
    bool m_failed {false};
    bool m_finished {false};
};

class PersistentStore {
public:
    // Writes an empty world (generation 0) to both superblocks of `device`, then FLUSHes.
    [[nodiscard]] static ErrorOr<void> format(
        Hal::BlockDevice& device, u32 kept_generations = default_kept_generations);
    // Opens a formatted disk: InvalidFormat when it was never formatted, Corrupted when no
    // generation on it is healthy.
    [[nodiscard]] static ErrorOr<NonnullOwnPtr<PersistentStore>> open(
        Hal::BlockDevice&, OpenOptions const& = {});

    ~PersistentStore();
    PersistentStore(PersistentStore const&) = delete;
    PersistentStore& operator=(PersistentStore const&) = delete;

    // The generation the world runs from; the next snapshot is made on top of it.
    GenerationInfo boot_generation() const { return info_of(m_boot); }
    // Every healthy committed generation still on disk, newest first.
    ErrorOr<Vector<GenerationInfo>> generations() const;
    // Generations found on disk whose metadata failed its checks at open.
    Span<u64 const> damaged_generations() const { return m_damaged.span(); }

    // Reads page `page_index` of `generation` into `out` (page_size bytes): true when present,
    // false (and zeros) when absent; Corrupted when its checksum fails, NotFound for a
    // generation that is not kept.
    [[nodiscard]] ErrorOr<bool> read_page(u64 generation, u64 page_index, Bytes out) const;
    // The indexes of the pages present in `generation`, ascending.
    [[nodiscard]] ErrorOr<Vector<u64>> page_indices(u64 generation) const;
    // Reads every node and page of `generation` and checks every checksum.
    [[nodiscard]] ErrorOr<void> verify_generation(u64 generation) const;

    // Writes `pages` as a new generation on top of the boot generation and commits it.
    // On any failure (NoSpace, IoFailure) nothing is committed and the store stays usable.
    [[nodiscard]] ErrorOr<GenerationInfo> commit_snapshot(
        Span<DirtyPage const> pages, SnapshotOptions const&);
    // The same in steps: begin, add pages in batches, commit. One pending snapshot at a time;
    // read_page() must not run during these calls (the owner serializes them).
    [[nodiscard]] ErrorOr<NonnullOwnPtr<PendingSnapshot>> begin_snapshot();
    [[nodiscard]] ErrorOr<GenerationInfo> commit_snapshot(PendingSnapshot&, SnapshotOptions const&);
    // Commits a new generation whose content is that of the kept `generation`.
    [[nodiscard]] ErrorOr<GenerationInfo> roll_back_to(u64 generation, SnapshotOptions const&);

    // Free space: which blocks the kept generations use is known once every page map has been
    // walked. Open does it unless it was Deferred; then the owner runs scan_space() (reads
    // only: it may run while other threads call read_page(), never during a commit) and hands
    // the result to adopt_space() with no reader running, or calls prepare_space() for both.
    // A generation found damaged here is forgotten; when it is the boot generation, the store
    // commits a roll-back to the newest healthy one (so the next start uses it) and refuses
    // every later snapshot: the running world was partly read from damaged data.
    [[nodiscard]] ErrorOr<NonnullOwnPtr<SpaceScan>> scan_space() const;
    [[nodiscard]] ErrorOr<void> adopt_space(SpaceScan&);
    [[nodiscard]] ErrorOr<void> prepare_space();
    bool is_space_ready() const { return m_space_ready; }
    // Whether the boot generation turned out damaged after open (see adopt_space()).
    bool is_boot_generation_damaged() const { return m_boot_damaged; }

    // Blocks the next snapshot may use (only meaningful once the space is ready).
    u64 free_block_count() const { return m_allocator.free_block_count(); }
    u32 kept_generations() const { return m_kept_generations; }
    // K as written by the newest valid superblock (the last format or commit).
    u32 recorded_kept_generations() const { return m_recorded_kept_generations; }
    // Whether superblock `slot` (0: A, 1: B) passed its checks at open.
    bool is_superblock_valid(u64 slot) const { return slot < superblock_slot_count && m_slots[slot].valid; }

private:
    struct SlotState {
        bool valid {false};
        // The healthy records of the slot's superblock, newest first.
        Vector<GenerationRecord> records;
    };
    friend class SnapshotBuilder;
    friend class PendingSnapshot;

    PersistentStore(Hal::BlockDevice& device, u32 kept_generations);

    static GenerationInfo info_of(GenerationRecord const&);
    Optional<GenerationRecord> find_record(u64 generation) const;
    ErrorOr<Vector<GenerationRecord>> protected_records() const;

    ErrorOr<void> read_block(u32 block, void* buffer) const;
    ErrorOr<void> read_node(u32 block, u32 checksum, u8 level, NodeBlock& node) const;
    struct WalkScratch;
    ErrorOr<void> walk_node(
        BlockAllocator&, u32 block, u32 checksum, u8 level, Verification, WalkScratch&) const;
    struct DiffScratch;
    ErrorOr<void> mark_tree(SpaceScan&, NodeEntry, u8 level, DiffScratch&) const;
    ErrorOr<void> diff_trees(
        SpaceScan&, u64 generation, NodeEntry older, NodeEntry newer, u8 level, DiffScratch&) const;
    ErrorOr<void> scan_generations(SpaceScan&, Span<GenerationRecord const> ascending) const;
    void release_dead_blocks();
    u64 newest_kept_generation() const;
    ErrorOr<void> collect_indexes(u32 block, u32 checksum, u8 level, u64 first_index, Vector<u64>&) const;
    ErrorOr<void> rebuild_free_space();
    ErrorOr<void> install_scan(SpaceScan&);
    ErrorOr<void> forget_damaged(Span<u64 const>);
    ErrorOr<GenerationInfo> commit(
        GenerationRecord const& base, Span<DirtyPage const>, SnapshotOptions const&);
    ErrorOr<NonnullOwnPtr<PendingSnapshot>> begin(GenerationRecord const& base);
    ErrorOr<GenerationInfo> finish(PendingSnapshot&, SnapshotOptions const&);

    Hal::BlockDevice& m_device;
    u32 m_kept_generations;
    u32 m_recorded_kept_generations {0};
    // Blocks referenced by a kept generation or taken by the snapshot in progress.
    BlockAllocator m_allocator;
    // Blocks some kept generation uses that newer ones no longer do, with the first generation
    // that does not use them: free once that generation is the oldest kept one.
    HashMap<u32, u64> m_dying;
    bool m_space_ready {false};
    bool m_boot_damaged {false};
    SlotState m_slots[superblock_slot_count];
    Vector<u64> m_damaged;
    GenerationRecord m_boot {};
    u32 m_write_slot {0};
    u64 m_next_generation {1};
};

} // namespace Persist
