/*
 * kernel/pc/boot/MultibootHeader.S: the multiboot v1 header. It uses the a.out kludge
 * (flag 16): the loader copies the file from the header on, verbatim, to load_addr and
 * clears up to bss_end_addr, instead of refusing our ELF64 file (QEMU's multiboot loader
 * only loads 32-bit ELF files by their program headers). linker.ld keeps the loaded image
 * contiguous in the file for this, and puts the header first (within the first 8 KiB).
 * The machine then enters boot_multiboot_entry (Boot.S) in 32-bit protected mode.
 */
#include <kernel/pc/boot/BootConstants.h>

#define PHYSICAL(symbol) ((symbol) - KERNEL_VIRTUAL_BASE)

// Flags: page-align modules (0), memory information (1), a.out kludge addresses (16).
#define MULTIBOOT_FLAGS 0x00010003

.section .multiboot, "a"
.align 4
multiboot_header:
    .long MULTIBOOT_HEADER_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_HEADER_MAGIC + MULTIBOOT_FLAGS)
    .long PHYSICAL(multiboot_header)    // header_addr
    .long kernel_physical_start         // load_addr
    .long kernel_physical_load_end      // load_end_addr
    .long kernel_physical_end           // bss_end_addr
    .long PHYSICAL(boot_multiboot_entry) // entry_addr

.section .note.GNU-stack, "", @progbits
