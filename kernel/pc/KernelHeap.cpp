/*
 * kernel/pc/KernelHeap.cpp: the growing first-fit allocator described in KernelHeap.h.
 */
#include <base/Assertions.h>
#include <kernel/hal/Memory.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/memory/VirtualMemory.h>

using Kernel::Interrupts::InterruptsDisabled;

namespace Kernel::KernelHeap {

namespace {

    constexpr usize alignment = 16;
    constexpr u64 used_magic = 0x50484d5553454421;    // "PHMUSED!"
    constexpr u64 free_magic = 0x50484d4652454521;    // "PHMFREE!"
    constexpr u64 aligned_magic = 0x50484d414c474e21; // "PHMALGN!"

    struct Block {
        usize size; // of the whole block, header included; a multiple of `alignment`
        u64 magic;
        Block* next_free; // in free blocks only (it overlaps the payload)
    };
    constexpr usize header_size = 16;
    constexpr usize minimum_block_size = 32;
    static_assert(sizeof(Block) <= minimum_block_size);

    Block* s_free_list;
    usize s_used_bytes;
    // The heap occupies [kernel_heap_base, s_heap_end), all of it mapped.
    FlatPtr s_heap_end = VirtualMemory::kernel_heap_base;

    constexpr usize align_up(usize value, usize to) { return (value + to - 1) & ~(to - 1); }

    Block* block_of(void* payload)
    {
        auto* block = reinterpret_cast<Block*>(static_cast<u8*>(payload) - header_size);
        VERIFY(reinterpret_cast<FlatPtr>(block) >= VirtualMemory::kernel_heap_base
            && reinterpret_cast<FlatPtr>(block) < s_heap_end);
        return block;
    }

    u8* end_of(Block* block) { return reinterpret_cast<u8*>(block) + block->size; }

} // namespace

namespace {

    void insert_free_block(Block* block);

    void* take_first_fit(usize needed)
    {
        Block** link = &s_free_list;
        for (Block* block = s_free_list; block; link = &block->next_free, block = block->next_free) {
            VERIFY(block->magic == free_magic);
            if (block->size < needed)
                continue;
            if (block->size - needed >= minimum_block_size) {
                // Keep the tail free, in the same place in the address-ordered list.
                auto* rest = reinterpret_cast<Block*>(reinterpret_cast<u8*>(block) + needed);
                rest->size = block->size - needed;
                rest->magic = free_magic;
                rest->next_free = block->next_free;
                *link = rest;
                block->size = needed;
            } else {
                *link = block->next_free;
            }
            block->magic = used_magic;
            s_used_bytes += block->size;
            return reinterpret_cast<u8*>(block) + header_size;
        }
        return nullptr;
    }

    // Maps at least `needed` more bytes at the end of the heap as one free block.
    bool grow(usize needed)
    {
        usize bytes = align_up(needed > grow_granularity ? needed : grow_granularity, Hal::page_size);
        usize mapped = s_heap_end - VirtualMemory::kernel_heap_base;
        if (bytes > VirtualMemory::kernel_heap_window - mapped)
            return false;
        if (Hal::map_zeroed(s_heap_end, bytes, Hal::Protection::ReadWrite).is_error())
            return false;
        auto* block = reinterpret_cast<Block*>(s_heap_end);
        s_heap_end += bytes;
        block->size = bytes;
        block->magic = free_magic;
        insert_free_block(block);
        return true;
    }

} // namespace

void* allocate(usize bytes)
{
    if (bytes > VirtualMemory::kernel_heap_window)
        return nullptr;
    usize needed = align_up(bytes + header_size, alignment);
    if (needed < minimum_block_size)
        needed = minimum_block_size;
    InterruptsDisabled guard;
    if (void* payload = take_first_fit(needed))
        return payload;
    if (!grow(needed))
        return nullptr;
    return take_first_fit(needed);
}

void free(void* payload)
{
    if (!payload)
        return;
    InterruptsDisabled guard;
    Block* block = block_of(payload);
    // A second free of the same block, or a pointer that never came from allocate().
    VERIFY(block->magic == used_magic);
    block->magic = free_magic;
    s_used_bytes -= block->size;
    insert_free_block(block);
}

namespace {

    // Puts a free block into the address-ordered list, merging it with its neighbours.
    void insert_free_block(Block* block)
    {
        Block* previous = nullptr;
        Block* next = s_free_list;
        while (next && next < block) {
            previous = next;
            next = next->next_free;
        }
        block->next_free = next;
        if (previous)
            previous->next_free = block;
        else
            s_free_list = block;

        if (next && end_of(block) == reinterpret_cast<u8*>(next)) {
            block->size += next->size;
            block->next_free = next->next_free;
            next->magic = 0;
        }
        if (previous && end_of(previous) == reinterpret_cast<u8*>(block)) {
            previous->size += block->size;
            previous->next_free = block->next_free;
            block->magic = 0;
        }
    }

} // namespace

// Over-aligned blocks: allocate extra room, then remember the real block right below the
// aligned pointer.
void* allocate_aligned(usize bytes, usize requested_alignment)
{
    VERIFY(requested_alignment != 0 && (requested_alignment & (requested_alignment - 1)) == 0);
    if (requested_alignment <= alignment)
        return allocate(bytes);
    if (bytes > SIZE_MAX - requested_alignment - 2 * sizeof(u64))
        return nullptr;
    auto* raw = static_cast<u8*>(allocate(bytes + requested_alignment + 2 * sizeof(u64)));
    if (!raw)
        return nullptr;
    auto aligned = align_up(reinterpret_cast<FlatPtr>(raw) + 2 * sizeof(u64), requested_alignment);
    auto* slots = reinterpret_cast<u64*>(aligned) - 2;
    slots[0] = reinterpret_cast<FlatPtr>(raw);
    slots[1] = aligned_magic;
    return reinterpret_cast<void*>(aligned);
}

void free_aligned(void* payload, usize requested_alignment)
{
    if (!payload)
        return;
    if (requested_alignment <= alignment) {
        free(payload);
        return;
    }
    auto* slots = static_cast<u64*>(payload) - 2;
    VERIFY(slots[1] == aligned_magic);
    slots[1] = 0;
    free(reinterpret_cast<void*>(slots[0]));
}

Statistics statistics()
{
    InterruptsDisabled guard;
    usize free_blocks = 0;
    for (Block* block = s_free_list; block; block = block->next_free)
        ++free_blocks;
    return {s_heap_end - VirtualMemory::kernel_heap_base, s_used_bytes, free_blocks};
}

} // namespace Kernel::KernelHeap
