/*
 * kernel/pc/cpu/Interrupts.cpp: the local APIC, the IOAPIC(s), the legacy PICs (remapped to
 * vectors 0xE0..0xEF and masked, so a spurious PIC interrupt lands on a harmless vector) and
 * the dispatcher of vectors 32..255. The ACPI MADT gives the IOAPICs and the ISA overrides;
 * without it we use what QEMU's pc machine has: one IOAPIC at 0xFEC00000 with GSI base 0,
 * ISA IRQ 0 on GSI 2 and every other ISA IRQ on the GSI of its number.
 *
 * The APIC registers are reached through the boot page tables' identity map of 0..4 GiB.
 * FIXME: map them uncached through the memory layer's MMIO mapping once it exists.
 */
#include <base/Log.h>
#include <kernel/pc/cpu/Acpi.h>
#include <kernel/pc/cpu/CpuTables.h>
#include <kernel/pc/cpu/InterruptFrame.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>

extern "C" FlatPtr const interrupt_stub_table[224];

namespace Kernel::Interrupts {

namespace {

    constexpr u32 apic_base_msr = 0x1B;
    constexpr u64 apic_global_enable = 1 << 11;
    constexpr FlatPtr default_local_apic_address = 0xFEE00000;

    enum LocalApicRegister : u32 {
        LocalApicId = 0x20,
        TaskPriority = 0x80,
        EndOfInterrupt = 0xB0,
        SpuriousVector = 0xF0,
        LvtTimer = 0x320,
        LvtLint0 = 0x350,
        LvtLint1 = 0x360,
        LvtError = 0x370,
    };
    constexpr u32 apic_software_enable = 1 << 8;
    constexpr u32 lvt_masked = 1 << 16;

    constexpr u8 pic_vector_base = 0xE0;
    constexpr u8 first_allocatable_vector = 0x30;
    constexpr u8 last_allocatable_vector = 0xDF;

    constexpr u32 ioapic_version_register = 1;
    constexpr u32 ioapic_redirection_base = 0x10;
    constexpr u64 redirection_masked = 1 << 16;
    constexpr u64 redirection_level_triggered = 1 << 15;
    constexpr u64 redirection_active_low = 1 << 13;

    struct VectorEntry {
        Handler handler {nullptr};
        void* context {nullptr};
        bool taken {false};
    };

    VectorEntry s_vectors[256];
    FlatPtr s_local_apic_address = default_local_apic_address;
    u8 s_boot_apic_id;
    bool s_in_handler;
    ReturnHook s_return_hook;
    Acpi::InterruptTopology s_topology;

    u64 read_msr(u32 msr)
    {
        u32 low, high;
        asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
        return (static_cast<u64>(high) << 32) | low;
    }

    void write_msr(u32 msr, u64 value)
    {
        asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<u32>(value)), "d"(static_cast<u32>(value >> 32)));
    }

    u32 read_ioapic(FlatPtr base, u32 reg)
    {
        *reinterpret_cast<u32 volatile*>(base) = reg;
        return *reinterpret_cast<u32 volatile*>(base + 0x10);
    }

    void write_ioapic(FlatPtr base, u32 reg, u32 value)
    {
        *reinterpret_cast<u32 volatile*>(base) = reg;
        *reinterpret_cast<u32 volatile*>(base + 0x10) = value;
    }

    void remap_and_mask_legacy_pics()
    {
        // ICW1..ICW4 for both PICs: vectors 0xE0..0xE7 and 0xE8..0xEF, cascade on IRQ 2.
        Cpu::out8(0x20, 0x11);
        Cpu::out8(0xA0, 0x11);
        Cpu::out8(0x21, pic_vector_base);
        Cpu::out8(0xA1, pic_vector_base + 8);
        Cpu::out8(0x21, 0x04);
        Cpu::out8(0xA1, 0x02);
        Cpu::out8(0x21, 0x01);
        Cpu::out8(0xA1, 0x01);
        Cpu::out8(0x21, 0xFF);
        Cpu::out8(0xA1, 0xFF);
    }

    void mask_every_ioapic_entry()
    {
        for (usize i = 0; i < s_topology.ioapic_count; ++i) {
            auto const& ioapic = s_topology.ioapics[i];
            u32 entries = ((read_ioapic(ioapic.address, ioapic_version_register) >> 16) & 0xFF) + 1;
            s_topology.ioapics[i].entry_count = entries;
            for (u32 entry = 0; entry < entries; ++entry) {
                write_ioapic(ioapic.address, ioapic_redirection_base + 2 * entry, redirection_masked);
                write_ioapic(ioapic.address, ioapic_redirection_base + 2 * entry + 1, 0);
            }
        }
    }

    ErrorOr<u8> take_free_vector(Handler handler, void* context)
    {
        InterruptsDisabled guard;
        for (u32 vector = first_allocatable_vector; vector <= last_allocatable_vector; ++vector) {
            auto& entry = s_vectors[vector];
            if (entry.taken)
                continue;
            entry.taken = true;
            entry.context = context;
            entry.handler = handler;
            return static_cast<u8>(vector);
        }
        return Error::from_string_literal("no free interrupt vector");
    }

} // namespace

void initialize()
{
    s_topology = Acpi::read_interrupt_topology();
    if (s_topology.local_apic_address)
        s_local_apic_address = s_topology.local_apic_address;

    remap_and_mask_legacy_pics();
    for (u32 vector = 32; vector < 256; ++vector)
        set_interrupt_gate(static_cast<u8>(vector), interrupt_stub_table[vector - 32]);

    write_msr(apic_base_msr, read_msr(apic_base_msr) | apic_global_enable);
    write_local_apic(TaskPriority, 0);
    write_local_apic(LvtTimer, lvt_masked);
    write_local_apic(LvtLint0, lvt_masked);
    write_local_apic(LvtLint1, lvt_masked);
    write_local_apic(LvtError, lvt_masked);
    write_local_apic(SpuriousVector, apic_software_enable | spurious_vector);
    s_boot_apic_id = static_cast<u8>(read_local_apic(LocalApicId) >> 24);
    mask_every_ioapic_entry();

    logln("interrupts: local apic id {} at {:#x}; {} ioapic(s), first at {:#x} with {} inputs; {} isa "
          "override(s) ({})",
        s_boot_apic_id, s_local_apic_address, s_topology.ioapic_count, s_topology.ioapics[0].address,
        s_topology.ioapics[0].entry_count, s_topology.override_count,
        s_topology.from_madt ? "acpi madt"sv : "fixed qemu defaults"sv);
}

ErrorOr<u8> allocate_vector(Handler handler, void* context)
{
    VERIFY(handler);
    return take_free_vector(handler, context);
}

u64 msi_address() { return 0xFEE00000 | (static_cast<u64>(s_boot_apic_id) << 12); }

u32 msi_data(u8 vector) { return vector; }

ErrorOr<void> route_isa_irq(u8 isa_irq, Handler handler, void* context)
{
    if (isa_irq >= 16)
        return Error::from_string_literal("ISA IRQ number out of range");
    VERIFY(handler);
    u32 gsi = isa_irq;
    u16 flags = 0;
    for (usize i = 0; i < s_topology.override_count; ++i) {
        auto const& entry = s_topology.overrides[i];
        if (entry.isa_irq == isa_irq) {
            gsi = entry.gsi;
            flags = entry.flags;
        }
    }
    Acpi::IoApic const* ioapic = nullptr;
    for (usize i = 0; i < s_topology.ioapic_count; ++i) {
        auto const& candidate = s_topology.ioapics[i];
        if (gsi >= candidate.gsi_base && gsi < candidate.gsi_base + candidate.entry_count)
            ioapic = &candidate;
    }
    if (!ioapic)
        return Error::from_string_literal("no IOAPIC serves this ISA IRQ");

    u8 vector = TRY(take_free_vector(handler, context));
    u64 entry = vector; // fixed delivery, physical destination
    // MPS INTI flags: polarity in bits 0..1 (3 = active low), trigger in bits 2..3 (3 = level).
    if ((flags & 3) == 3)
        entry |= redirection_active_low;
    if (((flags >> 2) & 3) == 3)
        entry |= redirection_level_triggered;
    u32 input = gsi - ioapic->gsi_base;
    InterruptsDisabled guard;
    write_ioapic(
        ioapic->address, ioapic_redirection_base + 2 * input + 1, static_cast<u32>(s_boot_apic_id) << 24);
    write_ioapic(ioapic->address, ioapic_redirection_base + 2 * input, static_cast<u32>(entry));
    return {};
}

void enable() { asm volatile("sti" ::: "memory"); }

void disable() { asm volatile("cli" ::: "memory"); }

bool are_enabled()
{
    u64 flags;
    asm volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
    return flags & (1 << 9);
}

void set_vector_handler(u8 vector, Handler handler, void* context)
{
    InterruptsDisabled guard;
    s_vectors[vector] = {handler, context, true};
}

void send_end_of_interrupt() { write_local_apic(EndOfInterrupt, 0); }

u32 read_local_apic(u32 offset) { return *reinterpret_cast<u32 volatile*>(s_local_apic_address + offset); }

void write_local_apic(u32 offset, u32 value)
{
    *reinterpret_cast<u32 volatile*>(s_local_apic_address + offset) = value;
}

bool in_interrupt_handler() { return s_in_handler; }

void set_return_hook(ReturnHook hook) { s_return_hook = hook; }

} // namespace Kernel::Interrupts

extern "C" void handle_interrupt(Kernel::InterruptFrame* frame)
{
    using namespace Kernel::Interrupts;
    auto vector = static_cast<u8>(frame->vector);
    // Spurious: no EOI. A masked legacy PIC can still raise IRQ 7/15 spuriously.
    if (vector == spurious_vector || (vector >= pic_vector_base && vector < pic_vector_base + 16))
        return;
    auto const& entry = s_vectors[vector];
    s_in_handler = true;
    if (entry.handler)
        entry.handler(entry.context);
    else
        logln("interrupts: unexpected vector {}", vector);
    send_end_of_interrupt();
    s_in_handler = false;
    if (s_return_hook)
        s_return_hook();
}
