/*
 * kernel/persist/BlockAllocator.h: which disk blocks may be written by the next snapshot.
 *
 * A bitmap with one bit per block: set when some protected generation references the block
 * or the snapshot in progress has taken it. It is never stored on disk: PersistentStore
 * rebuilds it by walking the page maps of the protected generations (see
 * docs/disk-format.md, "Free space"), so a crash can never leave it inconsistent.
 *
 *     BlockAllocator allocator;
 *     TRY(allocator.reset(device.block_count()));
 *     allocator.mark_used(root_block);
 *     u32 block = TRY(allocator.allocate()); // NoSpace when the disk is full
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Types.h>
#include <base/Vector.h>

namespace Persist {

class BlockAllocator {
public:
    // Forgets everything: all blocks but the superblocks are free.
    [[nodiscard]] ErrorOr<void> reset(u64 block_count);
    // Records that `block` must not be written.
    void mark_used(u32 block);
    // Gives back a block taken by allocate() that nothing references.
    void release(u32 block);
    // Whether `block` is referenced or taken.
    bool is_used(u32 block) const;
    // Takes a free block, searching on from the last one taken; NoSpace when none is left.
    [[nodiscard]] ErrorOr<u32> allocate();
    // How many blocks are free.
    u64 free_block_count() const { return m_block_count - m_used_count; }
    u64 block_count() const { return m_block_count; }

private:
    Vector<u64> m_bits;
    u64 m_block_count {0};
    u64 m_used_count {0};
    u64 m_cursor {0};
};

} // namespace Persist
