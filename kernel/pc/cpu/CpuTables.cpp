/*
 * kernel/pc/cpu/CpuTables.cpp: GDT, TSS (with IST stacks) and IDT of the boot processor.
 */
#include <kernel/pc/boot/BootConstants.h>
#include <kernel/pc/cpu/CpuTables.h>

namespace Kernel {

namespace {

    constexpr u16 task_state_selector = 0x18;
    constexpr usize interrupt_stack_size = 16 * 1024;

    // Which IST slot (1-based, as the IDT encodes it) each critical vector uses.
    enum InterruptStack : u8 {
        DoubleFaultStack = 1,
        NonMaskableInterruptStack = 2,
        MachineCheckStack = 3,
        InterruptStackCount = 3,
    };

    struct [[gnu::packed]] DescriptorTablePointer {
        u16 limit;
        u64 base;
    };

    struct [[gnu::packed]] TaskStateSegment {
        u32 reserved0;
        u64 privilege_stacks[3];
        u64 reserved1;
        u64 interrupt_stacks[7];
        u64 reserved2;
        u16 reserved3;
        u16 io_map_base;
    };
    static_assert(sizeof(TaskStateSegment) == 104);

    struct IdtEntry {
        u16 offset_low;
        u16 selector;
        u8 interrupt_stack;
        u8 type_attributes;
        u16 offset_middle;
        u32 offset_high;
        u32 reserved;
    };
    static_assert(sizeof(IdtEntry) == 16);

    constexpr u8 present_interrupt_gate = 0x8E; // present, ring 0, 64-bit interrupt gate
    constexpr u8 available_task_state = 0x89;   // present, 64-bit TSS (available)

    alignas(16) u64 s_gdt[5] = {
        0,
        0x00AF9A000000FFFF, // KERNEL_CODE_SELECTOR: 64-bit code, ring 0
        0x00CF92000000FFFF, // KERNEL_DATA_SELECTOR: data, ring 0
        0,                  // task_state_selector: the TSS descriptor takes two slots
        0,
    };
    alignas(16) IdtEntry s_idt[256];
    alignas(16) TaskStateSegment s_task_state;
    alignas(16) u8 s_interrupt_stacks[InterruptStackCount][interrupt_stack_size];

    static_assert(KERNEL_CODE_SELECTOR == 0x08 && KERNEL_DATA_SELECTOR == 0x10);

    void install_task_state_descriptor()
    {
        auto base = reinterpret_cast<u64>(&s_task_state);
        u64 limit = sizeof(TaskStateSegment) - 1;
        s_gdt[task_state_selector / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16)
            | (static_cast<u64>(available_task_state) << 40) | (((limit >> 16) & 0xF) << 48)
            | (((base >> 24) & 0xFF) << 56);
        s_gdt[task_state_selector / 8 + 1] = base >> 32;
    }

    void load_gdt()
    {
        DescriptorTablePointer pointer {sizeof(s_gdt) - 1, reinterpret_cast<u64>(s_gdt)};
        // Reload CS with a far return, then the data segments, then the task register.
        asm volatile(
            "lgdt %0\n"
            "pushq %1\n"
            "leaq 1f(%%rip), %%rax\n"
            "pushq %%rax\n"
            "lretq\n"
            "1:\n"
            "movw %w2, %%ax\n"
            "movw %%ax, %%ds\n"
            "movw %%ax, %%es\n"
            "movw %%ax, %%ss\n"
            "ltr %w3\n"
            :
            : "m"(pointer), "i"(KERNEL_CODE_SELECTOR), "r"(KERNEL_DATA_SELECTOR), "r"(task_state_selector)
            : "rax", "memory");
    }

    void set_gate(u8 vector, FlatPtr handler, u8 interrupt_stack)
    {
        auto& entry = s_idt[vector];
        entry.offset_low = handler & 0xFFFF;
        entry.selector = KERNEL_CODE_SELECTOR;
        entry.interrupt_stack = interrupt_stack;
        entry.type_attributes = present_interrupt_gate;
        entry.offset_middle = (handler >> 16) & 0xFFFF;
        entry.offset_high = static_cast<u32>(handler >> 32);
        entry.reserved = 0;
    }

} // namespace

} // namespace Kernel

extern "C" FlatPtr const exception_stub_table[32];
extern "C" u8 boot_stack_bottom[];
extern "C" u8 boot_stack_top[];

namespace Kernel {

void initialize_cpu_tables()
{
    for (usize i = 0; i < InterruptStackCount; ++i)
        s_task_state.interrupt_stacks[i]
            = reinterpret_cast<u64>(s_interrupt_stacks[i] + interrupt_stack_size);
    s_task_state.privilege_stacks[0] = reinterpret_cast<u64>(boot_stack_top);
    // No I/O permission bitmap: the map base lies past the segment limit.
    s_task_state.io_map_base = sizeof(TaskStateSegment);
    install_task_state_descriptor();
    load_gdt();

    for (u8 vector = 0; vector < 32; ++vector) {
        u8 stack = 0;
        if (vector == 8)
            stack = DoubleFaultStack;
        else if (vector == 2)
            stack = NonMaskableInterruptStack;
        else if (vector == 18)
            stack = MachineCheckStack;
        set_gate(vector, exception_stub_table[vector], stack);
    }
    DescriptorTablePointer pointer {sizeof(s_idt) - 1, reinterpret_cast<u64>(s_idt)};
    asm volatile("lidt %0" : : "m"(pointer) : "memory");
}

namespace {
    StackRangeCheck s_thread_stack_check;
}

void set_interrupt_gate(u8 vector, FlatPtr handler) { set_gate(vector, handler, 0); }

void set_thread_stack_check(StackRangeCheck check) { s_thread_stack_check = check; }

bool is_on_kernel_stack(FlatPtr address, usize length)
{
    auto inside = [&](void const* bottom, void const* top) {
        auto low = reinterpret_cast<FlatPtr>(bottom);
        auto high = reinterpret_cast<FlatPtr>(top);
        return address >= low && address < high && length <= high - address;
    };
    if (inside(boot_stack_bottom, boot_stack_top))
        return true;
    for (auto const& stack : s_interrupt_stacks) {
        if (inside(stack, stack + interrupt_stack_size))
            return true;
    }
    return s_thread_stack_check && s_thread_stack_check(address, length);
}

} // namespace Kernel
