/*
 * kernel/persist/DiskFormat.h: the on-disk format of a Phantom world, declared once for
 * both ports (docs/disk-format.md explains it in prose). Everything is little-endian, in
 * blocks of 4 KiB:
 *
 *   block 0, block 1   superblocks A and B (the newest valid one wins)
 *   block 2..          page-map nodes and data pages, allocated copy-on-write
 *
 * The page map is a radix tree of fixed depth 3 (a root, middle nodes, leaves) with
 * `node_fanout` entries per node; a leaf entry names the data block of one persistent page
 * and that page's CRC32C, an inner entry names a child node and the child's CRC32C. Block 0
 * in an entry means "absent". Every block carries its own CRC32C as well.
 */
#pragma once

#include <base/Crc32c.h>
#include <base/Span.h>
#include <base/Types.h>

namespace Persist {

constexpr usize disk_block_size = 4096;
constexpr u64 superblock_magic = 0x3153524550485000ull; // "\0PHPERS1" read as little-endian u64
constexpr u32 format_version = 1;
constexpr u32 node_magic = 0x45444F4Eu; // "NODE"
constexpr u64 superblock_slot_count = 2;
constexpr u64 first_allocatable_block = superblock_slot_count;
constexpr u32 maximum_kept_generations = 64;
constexpr u32 default_kept_generations = 8;

constexpr u32 node_fanout = 510;
constexpr u32 page_map_depth = 3; // levels 2 (root), 1, 0 (leaves)
constexpr u64 maximum_page_count = static_cast<u64>(node_fanout) * node_fanout * node_fanout;

// One entry of a page-map node: the block it points to (0: absent) and that block's CRC32C.
struct NodeEntry {
    u32 block;
    u32 checksum;
};

// A page-map node, exactly one block.
struct NodeBlock {
    u32 magic;
    u32 checksum; // CRC32C of the whole block with this field zero
    u8 level;     // 0 for leaves
    u8 reserved[7];
    NodeEntry entries[node_fanout];
};
static_assert(sizeof(NodeBlock) == disk_block_size);

// What a superblock knows about one committed generation.
struct GenerationRecord {
    u64 generation;
    u64 wall_time_ns;  // Hal::wall_clock_nanoseconds() when the snapshot was taken
    u64 pages_written; // data pages this snapshot wrote (0 for a roll-back)
    u64 page_count;    // pages present in the generation
    u64 pause_ns;      // how long the mutators were stopped for it (0 when unknown)
    u32 root_block;    // 0: the empty world
    u32 root_checksum;
};
static_assert(sizeof(GenerationRecord) == 48);

// A superblock, exactly one block. records[0] is the generation this superblock commits;
// records[1..record_count) are the older generations it keeps, newest first.
struct Superblock {
    u64 magic;
    u32 version;
    u32 checksum; // CRC32C of the whole block with this field zero
    u64 disk_block_count;
    u32 kept_generations;
    u32 record_count;
    u8 reserved[32];
    GenerationRecord records[maximum_kept_generations];
    u8 padding[disk_block_size - 64 - sizeof(GenerationRecord) * maximum_kept_generations];
};
static_assert(sizeof(Superblock) == disk_block_size);

// The CRC32C of a 4 KiB block whose own checksum (a u32 at `checksum_offset`) counts as zero.
inline u32 block_checksum(u8 const* block, usize checksum_offset)
{
    static constexpr u8 zeros[4] = {};
    u32 checksum = crc32c(ReadonlyBytes(block, checksum_offset));
    checksum = crc32c(ReadonlyBytes(zeros, 4), checksum);
    return crc32c(
        ReadonlyBytes(block + checksum_offset + 4, disk_block_size - checksum_offset - 4), checksum);
}

constexpr usize node_checksum_offset = 4;
constexpr usize superblock_checksum_offset = 12;

} // namespace Persist
