/*
 * tests/fuzz/DiskFormatFuzz.cpp: fuzzes kernel/persist's readers of the on-disk format (the
 * superblocks and the page map) through an in-memory block device. Whatever the disk holds,
 * PersistentStore::open() and every call after it must return an error or succeed: never
 * crash, never trip a VERIFY, never read out of bounds.
 *
 * Random bytes almost never pass a CRC32C, so most inputs are edits of a valid disk (two
 * committed generations, pages spread over several page-map nodes): byte patches, optionally
 * followed by recomputing the checksum of every block that looks like a superblock or node,
 * so the structure checks behind the checksums get exercised too. Input layout:
 *   byte 0: mode (bit 0: input is the whole raw disk; bit 1: fix checksums after patching;
 *           bits 2-3: verification level; bit 4: shrink the disk)
 *   then 5-byte patches: u24 position (modulo the image size), u8 value, u8 run length
 */
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <kernel/persist/DiskFormat.h>
#include <kernel/persist/PersistentStore.h>
#include <tests/persist/MemoryBlockDevice.h>
#include <vector>

using namespace Persist;

namespace {

constexpr u64 disk_blocks = 96;

std::vector<u8> make_valid_disk()
{
    MemoryBlockDevice device(disk_blocks);
    if (PersistentStore::format(device, 4).is_error())
        __builtin_trap();
    auto store_or_error = PersistentStore::open(device);
    if (store_or_error.is_error())
        __builtin_trap();
    auto store = store_or_error.release_value();
    std::vector<u8> page(Hal::block_size);
    for (u64 round = 0; round < 2; ++round) {
        DirtyPage pages[4];
        u64 indices[4] = {0, 1 + round, 600 + round, 300'000};
        std::vector<std::vector<u8>> contents;
        for (u64 index = 0; index < 4; ++index) {
            contents.emplace_back(Hal::block_size, static_cast<u8>(round * 16 + index));
            pages[index] = DirtyPage {indices[index], contents.back().data()};
        }
        if (store->commit_snapshot(Span<DirtyPage const>(pages, 4), {round + 1, 0}).is_error())
            __builtin_trap();
    }
    return device.image();
}

std::vector<u8> const& valid_disk()
{
    static std::vector<u8> const disk = make_valid_disk();
    return disk;
}

// Makes checksums right again for blocks whose magic says what they are.
void fix_checksums(std::vector<u8>& image)
{
    for (usize offset = 0; offset + disk_block_size <= image.size(); offset += disk_block_size) {
        u8* block = image.data() + offset;
        u64 magic64;
        u32 magic32;
        std::memcpy(&magic64, block, sizeof(magic64));
        std::memcpy(&magic32, block, sizeof(magic32));
        if (magic64 == superblock_magic) {
            u32 checksum = block_checksum(block, superblock_checksum_offset);
            std::memcpy(block + superblock_checksum_offset, &checksum, sizeof(checksum));
        } else if (magic32 == node_magic) {
            u32 checksum = block_checksum(block, node_checksum_offset);
            std::memcpy(block + node_checksum_offset, &checksum, sizeof(checksum));
        }
    }
}

void exercise(MemoryBlockDevice& device, Verification verification)
{
    OpenOptions options;
    options.kept_generations = 4;
    options.verification = verification;
    auto store_or_error = PersistentStore::open(device, options);
    if (store_or_error.is_error())
        return;
    auto store = store_or_error.release_value();
    u64 boot = store->boot_generation().generation;
    (void)store->generations();
    std::vector<u8> page(Hal::block_size);
    if (auto indices = store->page_indices(boot); !indices.is_error()) {
        usize count = 0;
        for (u64 index : indices.value()) {
            if (++count > 8)
                break;
            (void)store->read_page(boot, index, Bytes(page.data(), page.size()));
        }
    }
    (void)store->read_page(boot, 600, Bytes(page.data(), page.size()));
    (void)store->verify_generation(boot);
    if (store->prepare_space().is_error())
        return;
    // Writing on top of whatever was found must fail cleanly or work.
    std::vector<u8> content(Hal::block_size, 0x5a);
    DirtyPage dirty {7, content.data()};
    if (store->commit_snapshot(Span<DirtyPage const>(&dirty, 1), {}).is_error())
        return;
    (void)store->read_page(store->boot_generation().generation, 7, Bytes(page.data(), page.size()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(uint8_t const* data, size_t size)
{
    if (size == 0)
        return 0;
    u8 mode = data[0];
    ++data;
    --size;
    std::vector<u8> image;
    if (mode & 1) {
        // The input is the disk itself (rounded up to whole blocks, at least the superblocks).
        usize blocks = (size + disk_block_size - 1) / disk_block_size;
        if (blocks < superblock_slot_count)
            blocks = superblock_slot_count;
        image.assign(blocks * disk_block_size, 0);
        std::memcpy(image.data(), data, size);
    } else {
        image = valid_disk();
        for (usize offset = 0; offset + 5 <= size; offset += 5) {
            usize position = (static_cast<usize>(data[offset]) | static_cast<usize>(data[offset + 1]) << 8
                                 | static_cast<usize>(data[offset + 2]) << 16)
                * 7 % image.size();
            usize run = 1 + data[offset + 4] % 8;
            for (usize index = 0; index < run && position + index < image.size(); ++index)
                image[position + index] = data[offset + 3];
        }
        if (mode & 2)
            fix_checksums(image);
        if (mode & 16)
            image.resize(image.size() / 2);
    }
    MemoryBlockDevice device(std::move(image));
    Verification verifications[]
        = {Verification::Deferred, Verification::Metadata, Verification::Everything, Verification::Metadata};
    exercise(device, verifications[(mode >> 2) & 3]);
    return 0;
}
