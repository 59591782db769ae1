/*
 * kernel/pc/cpu/ExceptionStubs.S: entry points for the 32 CPU exception vectors.
 *
 * Each stub pushes a zero error code when the processor does not push one, then its vector
 * number, and jumps to exception_common, which saves every general register (the layout of
 * Kernel::InterruptFrame) and calls handle_cpu_exception(frame). If the handler returns,
 * the registers are restored and the interrupted code resumes.
 */

#include <kernel/pc/cpu/InterruptFrame.inc>

// Vectors for which the processor pushes an error code.
#define HAS_ERROR_CODE(vector) \
    ((vector) == 8 || (vector) == 10 || (vector) == 11 || (vector) == 12 || (vector) == 13 \
     || (vector) == 14 || (vector) == 17 || (vector) == 21 || (vector) == 29 || (vector) == 30)

.section .text

.macro EXCEPTION_STUB vector
.type exception_stub_\vector, @function
.align 16
exception_stub_\vector:
    .if HAS_ERROR_CODE(\vector) == 0
    pushq $0
    .endif
    pushq $\vector
    jmp exception_common
.size exception_stub_\vector, . - exception_stub_\vector
.endm

.irp vector, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
EXCEPTION_STUB \vector
.endr

.type exception_common, @function
exception_common:
    CALL_WITH_INTERRUPT_FRAME handle_cpu_exception
.size exception_common, . - exception_common

// void capture_registers(Kernel::InterruptFrame* frame), frame in %rdi.
.globl capture_registers
.type capture_registers, @function
capture_registers:
    movq %r15, 0(%rdi)
    movq %r14, 8(%rdi)
    movq %r13, 16(%rdi)
    movq %r12, 24(%rdi)
    movq %r11, 32(%rdi)
    movq %r10, 40(%rdi)
    movq %r9, 48(%rdi)
    movq %r8, 56(%rdi)
    movq %rbp, 64(%rdi)
    movq %rdi, 72(%rdi)
    movq %rsi, 80(%rdi)
    movq %rdx, 88(%rdi)
    movq %rcx, 96(%rdi)
    movq %rbx, 104(%rdi)
    movq %rax, 112(%rdi)
    movq $0, 120(%rdi)
    movq $0, 128(%rdi)
    movq (%rsp), %rax
    movq %rax, 136(%rdi) // rip: our return address
    xorl %eax, %eax
    movw %cs, %ax
    movq %rax, 144(%rdi)
    pushfq
    popq 152(%rdi)
    leaq 8(%rsp), %rax
    movq %rax, 160(%rdi)
    xorl %eax, %eax
    movw %ss, %ax
    movq %rax, 168(%rdi)
    movq 112(%rdi), %rax
    ret
.size capture_registers, . - capture_registers

.section .rodata
.align 8
.globl exception_stub_table
exception_stub_table:
.irp vector, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    .quad exception_stub_\vector
.endr

.section .note.GNU-stack, "", @progbits
