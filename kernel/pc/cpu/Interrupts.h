/*
 * kernel/pc/cpu/Interrupts.h: external interrupts of the pc port. The local APIC of the
 * boot processor takes every interrupt (the legacy 8259 PICs are remapped out of the way and
 * masked); ISA IRQs reach it through the IOAPIC, PCI devices through MSI/MSI-X. Drivers
 * either route an ISA IRQ or allocate a vector and program msi_address()/msi_data() into
 * their device. Handlers run in interrupt context with interrupts off; the dispatcher sends
 * the end-of-interrupt after the handler returns.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Types.h>

namespace Kernel::Interrupts {

// Runs in interrupt context, interrupts off; EOI is done by the dispatcher.
using Handler = void (*)(void* context);

// Sets up the local APIC, the IOAPIC(s) (from the ACPI MADT, or QEMU's fixed defaults) and
// the IDT entries of vectors 32..255. Call once after initialize_cpu_tables(), interrupts off.
void initialize();

// A free IDT vector with `handler` installed, e.g. for MSI/MSI-X.
ErrorOr<u8> allocate_vector(Handler, void* context);

// What to program into an MSI/MSI-X capability for `vector`: edge, fixed delivery, cpu 0.
u64 msi_address();
u32 msi_data(u8 vector);

// Routes ISA IRQ `isa_irq` (1 keyboard, 12 mouse, 3 COM2, 4 COM1, 8 RTC) through the IOAPIC to
// a vector of its own running `handler`, honouring the MADT's overrides (or QEMU's fixed
// defaults: IRQ 0 is GSI 2), edge-triggered unless an override says otherwise. Unmasks it.
ErrorOr<void> route_isa_irq(u8 isa_irq, Handler, void* context);

// The processor's interrupt flag.
void enable();
void disable();
bool are_enabled();

// Disables interrupts for its lifetime and then restores the flag as it was.
class InterruptsDisabled {
public:
    InterruptsDisabled()
        : m_were_enabled(are_enabled())
    {
        disable();
    }
    ~InterruptsDisabled()
    {
        if (m_were_enabled)
            enable();
    }
    InterruptsDisabled(InterruptsDisabled const&) = delete;
    InterruptsDisabled& operator=(InterruptsDisabled const&) = delete;

private:
    bool m_were_enabled;
};

// For the time and thread code of this port (not for drivers):

// Installs `handler` on a fixed vector (the local APIC timer's).
void set_vector_handler(u8 vector, Handler, void* context);
// Signals end-of-interrupt to the local APIC (the dispatcher does this for handlers).
void send_end_of_interrupt();
// The local APIC's registers, for the timer (offsets as in the Intel SDM, e.g. 0x320 LVT timer).
u32 read_local_apic(u32 offset);
void write_local_apic(u32 offset, u32 value);
// Whether the processor is inside an interrupt handler right now.
bool in_interrupt_handler();
// Called by the dispatcher after the handler and the EOI, still in interrupt context with
// interrupts off, on the interrupted thread's stack: the scheduler preempts from here.
using ReturnHook = void (*)();
void set_return_hook(ReturnHook);

// Fixed vectors.
constexpr u8 local_timer_vector = 0xF0;
constexpr u8 spurious_vector = 0xFF;

} // namespace Kernel::Interrupts
