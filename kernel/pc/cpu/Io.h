/*
 * kernel/pc/cpu/Io.h: x86 port I/O (in/out) and the few privileged instructions the first
 * light kernel uses (control registers, TSC, halt).
 */
#pragma once

#include <base/Types.h>

namespace Kernel::Cpu {

inline void out8(u16 port, u8 value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }

inline u8 in8(u16 port)
{
    u8 value;
    asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

inline void out16(u16 port, u16 value) { asm volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }

inline u16 in16(u16 port)
{
    u16 value;
    asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

inline void out32(u16 port, u32 value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }

inline u64 read_tsc()
{
    u32 low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return (static_cast<u64>(high) << 32) | low;
}

inline u64 read_cr2()
{
    u64 value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

inline u64 read_cr3()
{
    u64 value;
    asm volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

inline void write_cr3(u64 value) { asm volatile("mov %0, %%cr3" : : "r"(value) : "memory"); }

inline void pause() { asm volatile("pause"); }

// Stops this processor for good: interrupts off, then halt (again, should an NMI wake it).
[[noreturn]] inline void halt_forever()
{
    for (;;)
        asm volatile("cli; hlt");
}

} // namespace Kernel::Cpu
