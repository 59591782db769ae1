/*
 * vm/GcMetadata.h: the layout of a heap image, private to the heap and collector.
 *
 * [base, base + 4 KiB)            HeapMetadata: format, free lists, collector state, roots
 * [work list start, end)          the grey stack (growing up) and the special list of Stack
 *                                 and Weak objects seen while marking (growing down)
 * [objects start, bump)           chunks, back to back: objects and free chunks
 * [bump, objects end)             never used yet
 *
 * Every chunk starts with an ObjectHeader whose chunk_granules gives its size, so the object
 * area can be walked. A free chunk has kind Free and keeps the next free chunk's address in
 * its class word. Addresses are stored as plain numbers: the image always sits at `base`.
 */
#pragma once

#include <base/Types.h>
#include <vm/Heap.h>
#include <vm/Value.h>

namespace VM {

// "PHNTHEAP" read as a little-endian word.
constexpr u64 heap_image_magic = 0x50414548544e4850ULL;
constexpr u32 heap_image_version = 2;
constexpr usize heap_metadata_size = 4096;

// Free lists: one per exact chunk size below 64 granules (512 bytes), then one per power of
// two for larger chunks ([64, 128), [128, 256), ... up to the largest chunk), searched first
// fit, so a large request looks at one range of sizes, not at every free chunk.
constexpr u32 exact_free_list_count = 64;
constexpr u32 large_free_list_count = 26;
constexpr u32 free_list_count = exact_free_list_count + large_free_list_count;

// The list a free chunk of `granules` belongs on.
constexpr u32 free_list_for(u64 granules)
{
    if (granules < exact_free_list_count)
        return static_cast<u32>(granules);
    u32 power = 63 - static_cast<u32>(__builtin_clzll(granules)); // 6.. for 64..
    u32 list = exact_free_list_count + (power - 6);
    return list < free_list_count ? list : free_list_count - 1;
}
// A chunk is at least a header.
constexpr u64 minimum_chunk_granules = sizeof(ObjectHeader) / heap_granule_size;
constexpr u64 maximum_chunk_granules = 0xffffffffu;

// The colour and bookkeeping bits in ObjectHeader::gc_bits. Two whites alternate between
// cycles: after marking, the white of the finished cycle means garbage and the sweeper frees
// it, while objects allocated meanwhile carry the new white. Grey is "no colour bit".
namespace GcBits {
    constexpr u8 white0 = 1;
    constexpr u8 white1 = 2;
    constexpr u8 whites = white0 | white1;
    constexpr u8 black = 4;
    constexpr u8 colours = whites | black;
    // Grey, but the grey stack was full: found again by a heap walk.
    constexpr u8 overflowed = 8;
} // namespace GcBits

struct HeapMetadata {
    u64 magic;
    u32 version;
    u32 header_size;
    u64 base;
    u64 size;

    u64 work_list_start;
    u64 work_list_end;
    u64 objects_start;
    u64 objects_end;
    u64 bump;

    u64 free_lists[free_list_count];

    Value roots[Heap::root_count];

    GcPhase phase;
    u8 current_white;
    u8 grey_overflow;
    u8 special_overflow;
    u32 reserved;
    u64 grey_count;
    u64 special_count;
    u64 sweep_cursor;
    u64 work_debt;

    u64 bytes_in_use;
    u64 object_count;
    u64 allocated_since_cycle;
    u64 live_after_last_cycle;
    u64 collections;
    u64 allocations;
    u64 longest_pause_nanoseconds;
    u64 total_pause_nanoseconds;
    u64 pauses;
};

static_assert(sizeof(HeapMetadata) <= heap_metadata_size);

inline u64* work_list(HeapMetadata* metadata)
{
    return reinterpret_cast<u64*>(static_cast<FlatPtr>(metadata->work_list_start));
}

inline u64 work_list_capacity(HeapMetadata const* metadata)
{
    return (metadata->work_list_end - metadata->work_list_start) / sizeof(u64);
}

inline ObjectHeader* chunk_at(u64 address)
{
    return reinterpret_cast<ObjectHeader*>(static_cast<FlatPtr>(address));
}

inline u64 address_of(void const* pointer) { return static_cast<u64>(reinterpret_cast<FlatPtr>(pointer)); }

} // namespace VM
