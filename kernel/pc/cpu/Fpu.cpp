/*
 * kernel/pc/cpu/Fpu.cpp: enabling SSE and switching the x87/SSE state lazily (see Fpu.h).
 */
#include <kernel/pc/cpu/Fpu.h>
#include <kernel/pc/threads/Scheduler.h>

namespace Kernel::Fpu {

namespace {

    constexpr u64 device_not_available_vector = 7;
    constexpr u64 cr0_monitor_coprocessor = 1ull << 1;
    constexpr u64 cr0_emulation = 1ull << 2;
    constexpr u64 cr0_task_switched = 1ull << 3;
    constexpr u64 cr4_fxsave = 1ull << 9;
    constexpr u64 cr4_simd_exceptions = 1ull << 10;

    // What a thread's first floating-point instruction sees: the state FNINIT and the ABI's
    // MXCSR give (x87 control word 0x37F, all SIMD exceptions masked, round to nearest,
    // empty registers), written out rather than captured, so boot runs no FXSAVE.
    struct alignas(16) CleanState {
        u8 bytes[512] {};
        constexpr CleanState()
        {
            bytes[0] = 0x7F; // FCW
            bytes[1] = 0x03;
            bytes[24] = 0x80; // MXCSR 0x1F80
            bytes[25] = 0x1F;
        }
    };
    constexpr CleanState s_clean_state;

    // The thread whose state is in the registers (null: none, or boot code before threads).
    Hal::Thread* s_owner {nullptr};
    bool s_task_switched {false};

    u64 read_cr0()
    {
        u64 value;
        asm volatile("mov %%cr0, %0" : "=r"(value));
        return value;
    }

    void write_cr0(u64 value) { asm volatile("mov %0, %%cr0" : : "r"(value) : "memory"); }

    void set_task_switched(bool on)
    {
        if (on == s_task_switched)
            return;
        s_task_switched = on;
        if (on)
            write_cr0(read_cr0() | cr0_task_switched);
        else
            asm volatile("clts" ::: "memory");
    }

    u8* area_of(Hal::Thread& thread)
    {
        auto address = (reinterpret_cast<FlatPtr>(thread.m_fpu_area) + 15) & ~static_cast<FlatPtr>(15);
        return reinterpret_cast<u8*>(address);
    }

} // namespace

void initialize()
{
    u64 cr0 = (read_cr0() | cr0_monitor_coprocessor | cr0_task_switched) & ~cr0_emulation;
    write_cr0(cr0);
    s_task_switched = true;
    u64 cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= cr4_fxsave | cr4_simd_exceptions;
    asm volatile("mov %0, %%cr4" : : "r"(cr4));
}

void switch_to(Hal::Thread* next) { set_task_switched(next != s_owner); }

bool handle_device_not_available(InterruptFrame const& frame)
{
    if (frame.vector != device_not_available_vector)
        return false;
    set_task_switched(false);
    auto* current = Scheduler::current();
    if (current == s_owner && current != nullptr)
        return true;
    if (s_owner) {
        asm volatile("fxsave64 %0" : "=m"(*reinterpret_cast<u8(*)[512]>(area_of(*s_owner))));
        s_owner->m_fpu_used = true;
    }
    u8 const* state = s_clean_state.bytes;
    if (current && current->m_fpu_used)
        state = area_of(*current);
    asm volatile("fxrstor64 %0" : : "m"(*reinterpret_cast<u8 const(*)[512]>(state)));
    s_owner = current;
    return true;
}

void forget(Hal::Thread* thread)
{
    if (s_owner == thread)
        s_owner = nullptr;
    thread->m_fpu_used = false;
}

} // namespace Kernel::Fpu
