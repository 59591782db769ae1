/*
 * kernel/pc/memory/FrameAllocator.h: the physical frame allocator of the pc port, built
 * from the loader's memory map. A bitmap with one bit per 4 KiB frame of the identity-
 * mapped low 4 GiB (a set bit is a free frame); the kernel image, the first MiB and the
 * loader's structures are never handed out. Hal::allocate_frame()/free_frame() use it.
 *
 * FIXME: RAM above 4 GiB is not used yet (frames are reached through the boot identity
 * map, which covers 0..4 GiB).
 */
#pragma once

#include <kernel/hal/Memory.h>
#include <kernel/pc/boot/BootInformation.h>

namespace Kernel::FrameAllocator {

// Builds the free set from the memory map and logs the counts. Call once, early.
void initialize(BootInformation const&);

// A kernel pointer to the contents of a frame (through the identity map).
inline u8* frame_contents(Hal::FrameAddress frame) { return reinterpret_cast<u8*>(frame); }

} // namespace Kernel::FrameAllocator
