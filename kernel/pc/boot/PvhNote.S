/*
 * kernel/pc/boot/PvhNote.S: the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY). With it, QEMU
 * (and Xen, Firecracker, cloud-hypervisor) load the ELF by its physical program headers and
 * enter boot_pvh_entry in 32-bit protected mode with ebx = hvm_start_info. The product
 * phantom-kernel.elf links this file; phantom-kernel-multiboot.elf links MultibootHeader.S.
 */
#include <kernel/pc/boot/BootConstants.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18

.section .note.Xen, "a", @note
.align 4
    .long name_end - name_start
    .long description_end - description_start
    .long XEN_ELFNOTE_PHYS32_ENTRY
name_start:
    .asciz "Xen"
name_end:
    .align 4
description_start:
    // QEMU reads a pointer-sized entry from 64-bit ELF files, hence a quad.
    .quad boot_pvh_entry - KERNEL_VIRTUAL_BASE
description_end:
    .align 4

.section .note.GNU-stack, "", @progbits
