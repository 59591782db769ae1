/*
 * kernel/pc/cpu/BootPaging.h: small edits to the boot page tables that Boot.S builds
 * (identity map of 0..4 GiB and physical 0..2 GiB at KERNEL_VIRTUAL_BASE, 2 MiB pages).
 *
 * FIXME: the hardware-layer issue replaces this with a real virtual memory manager (4 KiB
 * pages, W^X per kernel section, no identity map). Until then everything is mapped RWX.
 */
#pragma once

#include <base/Types.h>

namespace Kernel {

// Makes the 4 KiB page holding `physical_address` non-present in every view (the identity
// and the higher-half view share their page directories): page 0 so null pointers fault,
// and the guard page under the boot stack so an overflow faults.
void unmap_boot_page(FlatPtr physical_address);

// Physical address of a kernel-image virtual address (linked at KERNEL_VIRTUAL_BASE + physical).
FlatPtr kernel_virtual_to_physical(void const*);

} // namespace Kernel
