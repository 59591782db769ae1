/*
 * kernel/pc/KernelHeap.h: the kernel heap behind operator new/delete.
 *
 * A first-fit, address-ordered free list with coalescing over the kernel heap window
 * (VirtualMemory::kernel_heap_base). The heap starts empty and grows: when no free block is
 * large enough it maps fresh frames at its end (at least grow_granularity bytes at a time)
 * and retries; when no frame is left, allocation returns null (operator new nothrow returns
 * null; the throwing forms panic). Blocks are 16-byte aligned and carry a header with a
 * magic number, so a double free or a wild pointer is a VERIFY failure, not silent
 * corruption. Interrupts are off inside the heap, so handlers may allocate.
 *
 * FIXME: the heap never gives memory back to the frame allocator, and allocation and free
 * cost O(free blocks).
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

// The heap maps at least this much when it grows.
constexpr usize grow_granularity = 256 * 1024;

struct Statistics {
    usize arena_bytes; // mapped so far
    usize used_bytes;  // including block headers
    usize free_blocks;
};
Statistics statistics();

} // namespace Kernel::KernelHeap
