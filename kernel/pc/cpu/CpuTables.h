/*
 * kernel/pc/cpu/CpuTables.h: the processor's descriptor tables for first light: a GDT with
 * kernel code/data and a TSS, the TSS's interrupt stacks (IST) for double fault, NMI and
 * machine check (so a kernel stack overflow still reaches the panic handler on a good
 * stack), and an IDT routing all 32 exception vectors to handle_cpu_exception().
 */
#pragma once

#include <base/Types.h>

namespace Kernel {

// Builds and loads the GDT, TSS and IDT. Call once, early, on the boot stack.
void initialize_cpu_tables();

// Whether [address, address + length) lies inside one kernel stack (the boot stack or an
// interrupt stack): the backtrace only follows frame pointers that pass this check.
bool is_on_kernel_stack(FlatPtr address, usize length);

// Points IDT entry `vector` at `handler` (an interrupt gate on the current stack).
void set_interrupt_gate(u8 vector, FlatPtr handler);

// Lets is_on_kernel_stack() also accept the stacks of kernel threads (the scheduler's).
using StackRangeCheck = bool (*)(FlatPtr address, usize length);
void set_thread_stack_check(StackRangeCheck);

} // namespace Kernel
