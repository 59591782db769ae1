/*
 * kernel/pc/cpu/InterruptFrame.h: the registers of an interrupted context, as the
 * exception stubs (ExceptionStubs.S) push them. capture_registers() fills the same layout
 * for a panic that is not a CPU exception (a failed VERIFY).
 */
#pragma once

#include <base/Types.h>
#include <cstddef>

namespace Kernel {

struct InterruptFrame {
    u64 r15, r14, r13, r12, r11, r10, r9, r8;
    u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
    u64 vector;
    u64 error_code;
    // Pushed by the processor.
    u64 rip, cs, rflags, rsp, ss;
};

// ExceptionStubs.S hard-codes these offsets.
static_assert(offsetof(InterruptFrame, rbp) == 64);
static_assert(offsetof(InterruptFrame, rax) == 112);
static_assert(offsetof(InterruptFrame, vector) == 120);
static_assert(offsetof(InterruptFrame, rip) == 136);
static_assert(sizeof(InterruptFrame) == 176, "a multiple of 16 keeps the handler's stack aligned");

} // namespace Kernel

// Fills `frame` with the caller's registers: rip is the return address, rsp the caller's
// stack pointer after the call returns; vector and error_code are zero.
extern "C" void capture_registers(Kernel::InterruptFrame* frame);
