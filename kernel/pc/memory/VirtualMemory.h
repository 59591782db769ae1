/*
 * kernel/pc/memory/VirtualMemory.h: the pc port's memory manager entry points that are not
 * part of the HAL: start-up, the page-fault hook called by the exception dispatch, and the
 * kernel-only address ranges (the kernel heap's).
 *
 * Page tables: the boot PML4 stays the live one. Its entry 0 (identity map of 0..4 GiB,
 * 2 MiB pages, page 0 unmapped) and entry 511 (the kernel image) belong to the boot code
 * (cpu/BootPaging.cpp); every other PML4 slot is ours, with 4 KiB pages in tables made from
 * frames. Reservable address space: the lower half from 512 GiB up (Hal ranges) and the
 * kernel heap window at kernel_heap_base.
 */
#pragma once

#include <kernel/hal/Memory.h>
#include <kernel/pc/boot/BootInformation.h>
#include <kernel/pc/cpu/InterruptFrame.h>

namespace Kernel::VirtualMemory {

// Where the kernel heap grows (PML4 slot 384) and how far it may.
constexpr FlatPtr kernel_heap_base = 0xffff'c000'0000'0000;
constexpr usize kernel_heap_window = 64ull * 1024 * 1024 * 1024;

// Frames from the memory map, no-execute support, the kernel heap window. Call once, early,
// before anything allocates.
void initialize(BootInformation const&);

// Called for every #PF before the panic report (interrupts off): true when a registered
// fault handler resolved it, so the faulting instruction can be retried. The handler runs
// with interrupts on when the faulting code had them on, so it may block.
bool handle_page_fault(InterruptFrame const&);

} // namespace Kernel::VirtualMemory
