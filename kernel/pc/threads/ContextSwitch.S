/*
 * kernel/pc/threads/ContextSwitch.S: switching kernel stacks. The kernel is compiled with
 * -mgeneral-regs-only, so the callee-saved general registers are the whole state a thread
 * keeps across a call; the caller-saved ones are dead at the call by the ABI.
 *
 * void switch_context(FlatPtr* save_stack_pointer, FlatPtr new_stack_pointer)
 *   pushes rbp rbx r12..r15, stores rsp, loads the other thread's rsp, pops its registers
 *   and returns into it. Called with interrupts off.
 *
 * thread_trampoline: where a new thread's first switch_context returns (Scheduler.cpp builds
 *   its stack so): calls thread_main(), which never returns.
 */
.section .text

.globl switch_context
.type switch_context, @function
switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
.size switch_context, . - switch_context

.globl thread_trampoline
.type thread_trampoline, @function
thread_trampoline:
    xorl %ebp, %ebp // the end of backtraces
    call thread_main
    ud2
.size thread_trampoline, . - thread_trampoline

.section .note.GNU-stack, "", @progbits
