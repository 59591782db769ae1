/*
 * kernel/pc/boot/Boot.S: the first instructions of the kernel.
 *
 * Two ways in, both in 32-bit protected mode with paging off:
 *   - multiboot v1 (QEMU -kernel, GRUB; header in MultibootHeader.S): eax = 0x2BADB002,
 *     ebx = multiboot information;
 *   - PVH (XEN_ELFNOTE_PHYS32_ENTRY, see PvhNote.S): ebx = hvm_start_info.
 * phantom-kernel.elf links the note, phantom-kernel-multiboot.elf the header (CMakeLists.txt).
 * Both read the TSC first (boot time is measured from here), build page tables
 * (identity map of the low 4 GiB, physical 0..2 GiB again at KERNEL_VIRTUAL_BASE, all with
 * 2 MiB pages), enable PAE, long mode, paging and SSE, load a 64-bit GDT and call
 * kernel_main(protocol, information_physical_address) on the boot stack in the higher half.
 */
#include <kernel/pc/boot/BootConstants.h>

#define PHYSICAL(symbol) ((symbol) - KERNEL_VIRTUAL_BASE)

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)

#define PAGE_PRESENT_WRITABLE 0x3
#define PAGE_LARGE 0x80
#define LARGE_PAGE_SIZE 0x200000
#define IDENTITY_MAPPED_DIRECTORIES 4 // 4 x 1 GiB

.section .boot.text, "ax"
.code32

.globl boot_multiboot_entry
.type boot_multiboot_entry, @function
boot_multiboot_entry:
    movl %eax, %esi
    rdtsc
    movl %eax, PHYSICAL(boot_entry_tsc)
    movl %edx, PHYSICAL(boot_entry_tsc) + 4
    movl $BOOT_PROTOCOL_MULTIBOOT, %edi
    cmpl $MULTIBOOT_BOOTLOADER_MAGIC, %esi
    je boot_common32
    movl $BOOT_PROTOCOL_UNKNOWN, %edi
    jmp boot_common32
.size boot_multiboot_entry, . - boot_multiboot_entry

.globl boot_pvh_entry
.type boot_pvh_entry, @function
boot_pvh_entry:
    rdtsc
    movl %eax, PHYSICAL(boot_entry_tsc)
    movl %edx, PHYSICAL(boot_entry_tsc) + 4
    movl $BOOT_PROTOCOL_PVH, %edi
    jmp boot_common32
.size boot_pvh_entry, . - boot_pvh_entry

.type boot_common32, @function
boot_common32:
    cli
    cld
    movl %edi, PHYSICAL(boot_protocol)
    movl %ebx, PHYSICAL(boot_information)

    // Long mode is the one thing we cannot do without; say so on COM1 instead of hanging.
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb boot_no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz boot_no_long_mode

    // .bss is not cleared here: both protocols' loaders zero it (multiboot up to
    // bss_end_addr, PVH loaders fill each segment up to its memory size), and touching its
    // pages costs milliseconds under nested virtualization.

    movl $PHYSICAL(boot_stack_top), %esp

    // PML4[0] covers the identity map, PML4[511] the kernel's higher half.
    movl $(PHYSICAL(boot_pdpt_low) + PAGE_PRESENT_WRITABLE), PHYSICAL(boot_pml4)
    movl $(PHYSICAL(boot_pdpt_high) + PAGE_PRESENT_WRITABLE), PHYSICAL(boot_pml4) + 511 * 8

    // Identity: PDPT entries 0..3 -> the four page directories (4 GiB).
    movl $(PHYSICAL(boot_page_directories) + PAGE_PRESENT_WRITABLE), %eax
    movl $PHYSICAL(boot_pdpt_low), %edi
    movl $IDENTITY_MAPPED_DIRECTORIES, %ecx
1:  movl %eax, (%edi)
    addl $0x1000, %eax
    addl $8, %edi
    loop 1b

    // Higher half: 0xffffffff80000000 -> physical 0 (directory 0), +1 GiB -> directory 1.
    movl $(PHYSICAL(boot_page_directories) + PAGE_PRESENT_WRITABLE), PHYSICAL(boot_pdpt_high) + 510 * 8
    movl $(PHYSICAL(boot_page_directories) + 0x1000 + PAGE_PRESENT_WRITABLE), PHYSICAL(boot_pdpt_high) + 511 * 8

    // 2048 large pages cover physical 0..4 GiB.
    movl $(PAGE_LARGE + PAGE_PRESENT_WRITABLE), %eax
    movl $PHYSICAL(boot_page_directories), %edi
    movl $(IDENTITY_MAPPED_DIRECTORIES * 512), %ecx
2:  movl %eax, (%edi)
    addl $LARGE_PAGE_SIZE, %eax
    addl $8, %edi
    loop 2b

    movl $PHYSICAL(boot_pml4), %eax
    movl %eax, %cr3

    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4

    movl $MSR_EFER, %ecx
    rdmsr
    orl $EFER_LME, %eax
    wrmsr

    // Paging on (long mode becomes active); FPU/SSE usable: EM off, MP and NE on.
    movl %cr0, %eax
    andl $~CR0_EM, %eax
    orl $(CR0_PG | CR0_PE | CR0_MP | CR0_NE | CR0_WP), %eax
    movl %eax, %cr0

    lgdt PHYSICAL(boot_gdt_pointer)
    ljmp $KERNEL_CODE_SELECTOR, $PHYSICAL(boot_long_mode_entry)
.size boot_common32, . - boot_common32

// Writes a message on COM1 by polling (no initialisation: the firmware's 115200 8N1 or
// QEMU's defaults are fine for this last word) and stops.
.type boot_no_long_mode, @function
boot_no_long_mode:
    movl $PHYSICAL(boot_no_long_mode_message), %esi
1:  movb (%esi), %al
    testb %al, %al
    jz 3f
    movw $0x3FD, %dx
2:  inb %dx, %al
    testb $0x20, %al
    jz 2b
    movb (%esi), %al
    movw $0x3F8, %dx
    outb %al, %dx
    incl %esi
    jmp 1b
3:  cli
    hlt
    jmp 3b
.size boot_no_long_mode, . - boot_no_long_mode

.code64
.type boot_long_mode_entry, @function
boot_long_mode_entry:
    // Still running at the physical address: jump to the linked, higher-half address.
    movabsq $boot_higher_half_entry, %rax
    jmp *%rax
.size boot_long_mode_entry, . - boot_long_mode_entry

.type boot_higher_half_entry, @function
boot_higher_half_entry:
    movw $KERNEL_DATA_SELECTOR, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorl %eax, %eax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    // A zero frame pointer ends the panic backtrace.
    xorl %ebp, %ebp
    movl boot_protocol(%rip), %edi
    movl boot_information(%rip), %esi
    call kernel_main
1:  cli
    hlt
    jmp 1b
.size boot_higher_half_entry, . - boot_higher_half_entry

.section .rodata
.align 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF // 0x08: 64-bit code, ring 0
    .quad 0x00CF92000000FFFF // 0x10: data, ring 0
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYSICAL(boot_gdt)

boot_no_long_mode_message:
    .asciz "phantom: PANIC: this processor has no 64-bit long mode; Phantom needs an x86-64 machine\r\nphantom: PANIC end\r\n"

// Boot parameters for kernel_main().
.section .data
.align 8
.globl boot_entry_tsc
boot_entry_tsc:
    .quad 0
boot_protocol:
    .long 0
boot_information:
    .long 0

.section .bss
.align 4096
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_page_directories:
    .skip 4096 * IDENTITY_MAPPED_DIRECTORIES
.globl boot_stack_guard
boot_stack_guard:
    .skip 4096
.globl boot_stack_bottom
boot_stack_bottom:
    .skip KERNEL_STACK_SIZE
.globl boot_stack_top
boot_stack_top:

.globl boot_pml4
.globl boot_page_directories

.section .note.GNU-stack, "", @progbits
