/*
 * kernel/pc/cpu/Acpi.h: the little of ACPI the interrupt code needs: the MADT's local APIC
 * address, IOAPICs and ISA interrupt source overrides. Tables are found through the RSDP in
 * the BIOS area (0xE0000..0xFFFFF) and read through the identity map.
 */
#pragma once

#include <base/Types.h>

namespace Kernel::Acpi {

struct IoApic {
    FlatPtr address {0};
    u32 gsi_base {0};
    u32 entry_count {24};
};

struct IsaOverride {
    u8 isa_irq {0};
    u32 gsi {0};
    u16 flags {0}; // MPS INTI flags: polarity bits 0..1, trigger mode bits 2..3
};

struct InterruptTopology {
    bool from_madt {false};
    FlatPtr local_apic_address {0};
    static constexpr usize max_ioapics = 4;
    IoApic ioapics[max_ioapics];
    usize ioapic_count {0};
    static constexpr usize max_overrides = 16;
    IsaOverride overrides[max_overrides];
    usize override_count {0};
};

// The MADT's view, or QEMU pc defaults (one IOAPIC at 0xFEC00000, ISA IRQ 0 -> GSI 2) when
// there is no usable MADT.
InterruptTopology read_interrupt_topology();

// Sets up the power button (FADT PM1 event block, SCI interrupt) behind kernel/hal/Power.h and
// finds how to enter S5 (the DSDT's \_S5 package). Without a FADT there is no power button
// and power_off() halts.
void initialize_power();

// Any ACPI table by signature ("APIC", "FACP", ...): its physical address, or 0.
FlatPtr find_table(char const signature[4]);

} // namespace Kernel::Acpi
