/*
 * kernel/pc/KernelHeap.h: the first-light kernel heap behind operator new/delete.
 *
 * A first-fit, address-ordered free list with coalescing over a static 8 MiB arena that the
 * linker script reserves at the end of .bss. Blocks are 16-byte aligned and carry a header
 * with a magic number, so a double free or a wild pointer is a VERIFY failure, not silent
 * corruption.
 *
 * FIXME: the hardware-layer issue replaces this with an allocator over the physical memory
 * map (the arena's size is fixed, and allocation and free cost O(free blocks)).
 */
#pragma once

#include <base/Types.h>

namespace Kernel::KernelHeap {

// Null when no free block is large enough.
void* allocate(usize bytes);
// Alignments above 16 bytes (for over-aligned types).
void* allocate_aligned(usize bytes, usize alignment);
void free(void*);
void free_aligned(void*, usize alignment);

struct Statistics {
    usize arena_bytes;
    usize used_bytes; // including block headers
    usize free_blocks;
};
Statistics statistics();

} // namespace Kernel::KernelHeap
