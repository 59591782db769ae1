/*
 * kernel/pc/boot/BootConstants.h: numbers shared by the boot assembly and the C++ kernel
 * (plain #defines, so that Boot.S can include this file too).
 */
#pragma once

// Where the kernel is linked: physical address + KERNEL_VIRTUAL_BASE (see linker.ld).
#define KERNEL_VIRTUAL_BASE 0xffffffff80000000

// How the kernel was entered; handed to kernel_main() in its first argument.
#define BOOT_PROTOCOL_UNKNOWN 0
#define BOOT_PROTOCOL_MULTIBOOT 1
#define BOOT_PROTOCOL_PVH 2

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define PVH_START_INFO_MAGIC 0x336ec578

// Size of the boot (and for now the only) kernel stack. A non-present guard page lies
// right below it, so an overflow faults instead of silently overwriting .bss.
#define KERNEL_STACK_SIZE 0x8000

// Selectors of the boot GDT (Boot.S) and of the real one (CpuTables.cpp): same layout.
#define KERNEL_CODE_SELECTOR 0x08
#define KERNEL_DATA_SELECTOR 0x10
