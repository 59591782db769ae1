/*
 * kernel/pc/cpu/InterruptStubs.S: entry points for the external interrupt vectors 32..255.
 *
 * Like the exception stubs: each pushes a zero error code and its vector number, and
 * interrupt_common saves every general register in the layout of Kernel::InterruptFrame and
 * calls handle_interrupt(frame) on the interrupted thread's stack (no IST: the scheduler may
 * switch threads from inside the handler and come back later). The registers are restored
 * and iretq resumes the interrupted code.
 */

#include <kernel/pc/cpu/InterruptFrame.inc>

.section .text

.macro INTERRUPT_STUB vector
.type interrupt_stub_\vector, @function
.align 16
interrupt_stub_\vector:
    pushq $0
    pushq $\vector
    jmp interrupt_common
.size interrupt_stub_\vector, . - interrupt_stub_\vector
.endm

.altmacro
.set vector, 32
.rept 224
    INTERRUPT_STUB %vector
    .set vector, vector + 1
.endr

.type interrupt_common, @function
interrupt_common:
    CALL_WITH_INTERRUPT_FRAME handle_interrupt
.size interrupt_common, . - interrupt_common

.macro STUB_ADDRESS vector
    .quad interrupt_stub_\vector
.endm

.section .rodata
.align 8
.globl interrupt_stub_table
interrupt_stub_table:
.set vector, 32
.rept 224
    STUB_ADDRESS %vector
    .set vector, vector + 1
.endr

.section .note.GNU-stack, "", @progbits
