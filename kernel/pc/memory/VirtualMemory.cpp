/*
 * kernel/pc/memory/VirtualMemory.cpp: 4-level page tables for the slots of the boot PML4
 * that the boot code does not use, the Hal mapping, protection, dirty-state and fault-hook
 * functions over them, and the #PF hook (see VirtualMemory.h).
 *
 * Leaf entries use the hardware's dirty bit for Hal's dirty state (cleared with a locked
 * AND followed by invlpg, so the next write sets it again) and software bit 9 to remember
 * that the mapping owns its frame. Page tables are frames reached through the identity
 * map; they are not freed when their pages are unmapped (FIXME: reclaim empty tables).
 * Every change runs with interrupts off: on one processor that is the whole locking.
 */
#include <base/Assertions.h>
#include <base/Log.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/cpu/Io.h>
#include <kernel/pc/memory/FrameAllocator.h>
#include <kernel/pc/memory/VirtualMemory.h>
#include <kernel/pc/threads/Scheduler.h>

namespace Kernel::VirtualMemory {

namespace {

    using Hal::page_size;

    constexpr u64 entry_present = 1ull << 0;
    constexpr u64 entry_writable = 1ull << 1;
    constexpr u64 entry_dirty = 1ull << 6;
    constexpr u64 entry_large = 1ull << 7;
    constexpr u64 entry_owned = 1ull << 9; // available to software: unmapping frees the frame
    constexpr u64 entry_no_execute = 1ull << 63;
    constexpr u64 entry_frame_mask = 0x000f'ffff'ffff'f000;

    // The lower half minus PML4 slot 0 (the boot identity map); canonical addresses end at
    // 128 TiB. Automatic reservations start at 1 TiB, leaving room below for fixed ones.
    constexpr FlatPtr lower_window_base = 0x0000'0080'0000'0000;
    constexpr FlatPtr lower_window_end = 0x0000'8000'0000'0000;
    constexpr FlatPtr first_automatic_base = 0x0000'0100'0000'0000;
    // Automatic reservations are 2 MiB aligned, with an unmapped gap after each.
    constexpr usize reservation_alignment = 2 * 1024 * 1024;

    // Clearing more dirty bits than this flushes the whole TLB once instead of page by page.
    constexpr usize full_flush_threshold = 64;

    constexpr u64 page_fault_vector = 14;
    constexpr u64 fault_error_write = 1 << 1;
    constexpr u64 fault_error_instruction_fetch = 1 << 4;
    constexpr u64 rflags_interrupt_enable = 1 << 9;

    struct Reservation {
        FlatPtr base;
        usize size;
    };
    constexpr usize max_reservations = 32;
    Reservation s_reservations[max_reservations];

    struct FaultHook {
        Hal::VirtualRange range;
        Hal::FaultHandler handler;
        void* context;
    };
    constexpr usize max_fault_hooks = 8;
    FaultHook s_fault_hooks[max_fault_hooks];
    bool s_no_execute_supported;

    constexpr u64 align_up(u64 value, u64 to) { return (value + to - 1) & ~(to - 1); }
    bool is_page_aligned(u64 value) { return value % page_size == 0; }

    void invalidate(FlatPtr address) { asm volatile("invlpg (%0)" : : "r"(address) : "memory"); }

    u64* table_of(u64 entry) { return reinterpret_cast<u64*>(entry & entry_frame_mask); }

    // The leaf entry for `address`, creating missing tables when `create` is set; null when a
    // table is missing (or could not be allocated: then `out_of_memory` is set).
    u64* leaf_entry(FlatPtr address, bool create, bool* out_of_memory = nullptr)
    {
        u64* table = table_of(Cpu::read_cr3());
        for (int level = 3; level > 0; --level) {
            u64& entry = table[(address >> (12 + 9 * level)) & 511];
            if (!(entry & entry_present)) {
                if (!create)
                    return nullptr;
                auto frame = Hal::allocate_frame();
                if (frame.is_error()) {
                    *out_of_memory = true;
                    return nullptr;
                }
                __builtin_memset(FrameAllocator::frame_contents(frame.value()), 0, page_size);
                entry = frame.value() | entry_present | entry_writable;
            }
            // Large pages only exist in the boot slots, which no reservation reaches.
            VERIFY(!(entry & entry_large));
            table = table_of(entry);
        }
        return &table[(address >> 12) & 511];
    }

    u64 leaf_value(Hal::FrameAddress frame, Hal::Protection protection, Hal::Executable executable)
    {
        u64 value = frame | entry_present;
        if (protection == Hal::Protection::ReadWrite)
            value |= entry_writable;
        if (executable == Hal::Executable::No && s_no_execute_supported)
            value |= entry_no_execute;
        return value;
    }

    void release_entry(u64* entry, FlatPtr address)
    {
        u64 old = *entry;
        if (!(old & entry_present))
            return;
        *entry = 0;
        invalidate(address);
        if (old & entry_owned)
            Hal::free_frame(old & entry_frame_mask);
    }

    bool overlaps(FlatPtr base, usize size, Reservation const& reservation)
    {
        return reservation.size != 0 && base < reservation.base + reservation.size
            && reservation.base < base + size;
    }

    bool is_reserved(FlatPtr address, usize bytes)
    {
        for (auto const& reservation : s_reservations) {
            if (reservation.size != 0 && address >= reservation.base
                && address - reservation.base <= reservation.size
                && bytes <= reservation.base + reservation.size - address)
                return true;
        }
        return false;
    }

    ErrorOr<Hal::VirtualRange> add_reservation(FlatPtr base, usize size)
    {
        for (auto const& reservation : s_reservations) {
            if (overlaps(base, size, reservation))
                return Error(ErrorCode::AlreadyExists);
        }
        for (auto& reservation : s_reservations) {
            if (reservation.size == 0) {
                reservation = {base, size};
                return Hal::VirtualRange {base, size};
            }
        }
        return Error(ErrorCode::Busy);
    }

    void enable_no_execute()
    {
        u32 eax = 0x80000001, ebx = 0, ecx = 0, edx = 0;
        asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
        if (!(edx & (1u << 20)))
            return;
        constexpr u32 efer = 0xC0000080;
        u32 low, high;
        asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(efer));
        low |= 1u << 11; // EFER.NXE
        asm volatile("wrmsr" : : "a"(low), "d"(high), "c"(efer));
        s_no_execute_supported = true;
    }

} // namespace

void initialize(BootInformation const& boot)
{
    FrameAllocator::initialize(boot);
    enable_no_execute();
    MUST(add_reservation(kernel_heap_base, kernel_heap_window));
    logln("memory: 4-level page tables for the lower half from {:#x} and the kernel heap at {:#x}; "
          "no-execute {}",
        lower_window_base, kernel_heap_base, s_no_execute_supported ? "on"sv : "not supported"sv);
}

bool handle_page_fault(InterruptFrame const& frame)
{
    if (frame.vector != page_fault_vector)
        return false;
    // Read before interrupts may come back on: another thread's fault would overwrite CR2.
    FlatPtr address = Cpu::read_cr2();
    auto* thread = Scheduler::current();
    // A fault inside a handler (on this thread) goes straight to the panic report.
    if (thread->m_in_fault_handler)
        return false;
    Hal::FaultHandler handler = nullptr;
    void* context = nullptr;
    for (auto const& hook : s_fault_hooks) {
        if (hook.handler && hook.range.contains(address)) {
            handler = hook.handler;
            context = hook.context;
            break;
        }
    }
    if (!handler)
        return false;
    auto access = Hal::FaultAccess::Read;
    if (frame.error_code & fault_error_instruction_fetch)
        access = Hal::FaultAccess::Execute;
    else if (frame.error_code & fault_error_write)
        access = Hal::FaultAccess::Write;

    // A thread that faulted with interrupts on may block in the handler (a disk read, a
    // mutex) like anywhere else in its code: the fault runs on its own stack, so another
    // thread can run meanwhile. Interrupt handlers (interrupts off) never get that.
    bool may_block = (frame.rflags & rflags_interrupt_enable) && !Interrupts::in_interrupt_handler();
    thread->m_in_fault_handler = true;
    if (may_block)
        Interrupts::enable();
    auto resolution = handler(context, address, access);
    Interrupts::disable();
    thread->m_in_fault_handler = false;
    return resolution == Hal::FaultResolution::Resolved;
}

} // namespace Kernel::VirtualMemory

namespace Hal {

using namespace Kernel::VirtualMemory;
using Kernel::Interrupts::InterruptsDisabled;

ErrorOr<VirtualRange> reserve_range(usize bytes)
{
    if (bytes == 0 || bytes > lower_window_end - first_automatic_base)
        return Error(ErrorCode::InvalidArgument);
    usize size = align_up(bytes, page_size);
    InterruptsDisabled guard;
    FlatPtr base = first_automatic_base;
    // Past every reservation that overlaps the candidate, with a gap after it.
    for (bool moved = true; moved;) {
        moved = false;
        for (auto const& reservation : s_reservations) {
            if (overlaps(base, size + reservation_alignment, reservation)) {
                base = align_up(
                    reservation.base + reservation.size + reservation_alignment, reservation_alignment);
                moved = true;
            }
        }
        if (base + size > lower_window_end)
            return Error(ErrorCode::OutOfMemory);
    }
    return add_reservation(base, size);
}

ErrorOr<VirtualRange> reserve_range_at(FlatPtr base, usize bytes)
{
    if (bytes == 0 || !is_page_aligned(base))
        return Error(ErrorCode::InvalidArgument);
    usize size = align_up(bytes, page_size);
    if (base < lower_window_base || base >= lower_window_end || size > lower_window_end - base)
        return Error(ErrorCode::Unsupported);
    InterruptsDisabled guard;
    return add_reservation(base, size);
}

void release_range(VirtualRange range)
{
    unmap(range.base, range.size);
    InterruptsDisabled guard;
    unregister_fault_handler(range);
    for (auto& reservation : s_reservations) {
        if (reservation.base == range.base && reservation.size != 0) {
            reservation = {};
            return;
        }
    }
    VERIFY_NOT_REACHED();
}

ErrorOr<void> map_zeroed(FlatPtr address, usize bytes, Protection protection, Executable executable)
{
    if (!is_page_aligned(address) || !is_reserved(address, bytes))
        return Error(ErrorCode::InvalidArgument);
    // Fail before zeroing anything when the frames cannot suffice.
    if (bytes / page_size > frame_statistics().free_frames)
        return Error(ErrorCode::OutOfMemory);
    for (usize offset = 0; offset < bytes; offset += page_size) {
        // Interrupts go off one page at a time: a large mapping must not hold them off for long.
        InterruptsDisabled guard;
        bool out_of_memory = false;
        auto frame = allocate_frame();
        u64* entry = frame.is_error() ? nullptr : leaf_entry(address + offset, true, &out_of_memory);
        if (!entry) {
            if (!frame.is_error())
                free_frame(frame.value());
            // Leave nothing of this call behind.
            unmap(address, offset);
            return Error(ErrorCode::OutOfMemory);
        }
        __builtin_memset(Kernel::FrameAllocator::frame_contents(frame.value()), 0, page_size);
        release_entry(entry, address + offset);
        *entry = leaf_value(frame.value(), protection, executable) | entry_owned;
    }
    return {};
}

ErrorOr<void> map_filled(FlatPtr address, ReadonlyBytes content, Protection protection, Executable executable)
{
    if (!is_page_aligned(address) || content.size() != page_size || !is_reserved(address, page_size))
        return Error(ErrorCode::InvalidArgument);
    auto frame = TRY(allocate_frame());
    // Filled through the identity map before the entry exists: no thread can see it half
    // written, and the page's dirty bit stays clear.
    __builtin_memcpy(Kernel::FrameAllocator::frame_contents(frame), content.data(), page_size);
    InterruptsDisabled guard;
    bool out_of_memory = false;
    u64* entry = leaf_entry(address, true, &out_of_memory);
    if (!entry) {
        free_frame(frame);
        return Error(ErrorCode::OutOfMemory);
    }
    release_entry(entry, address);
    *entry = leaf_value(frame, protection, executable) | entry_owned;
    return {};
}

ErrorOr<void> map_frame(FlatPtr address, FrameAddress frame, Protection protection, Executable executable)
{
    if (!is_page_aligned(address) || !is_page_aligned(frame) || !is_reserved(address, page_size))
        return Error(ErrorCode::InvalidArgument);
    InterruptsDisabled guard;
    bool out_of_memory = false;
    u64* entry = leaf_entry(address, true, &out_of_memory);
    if (!entry)
        return Error(ErrorCode::OutOfMemory);
    release_entry(entry, address);
    *entry = leaf_value(frame, protection, executable);
    return {};
}

void unmap(FlatPtr address, usize bytes)
{
    VERIFY(is_page_aligned(address) && is_reserved(address, bytes));
    InterruptsDisabled guard;
    for (usize offset = 0; offset < bytes; offset += page_size) {
        if (u64* entry = leaf_entry(address + offset, false))
            release_entry(entry, address + offset);
    }
}

void protect(FlatPtr address, usize bytes, Protection protection, Executable executable)
{
    VERIFY(is_page_aligned(address) && is_reserved(address, bytes));
    InterruptsDisabled guard;
    for (usize offset = 0; offset < bytes; offset += page_size) {
        u64* entry = leaf_entry(address + offset, false);
        if (!entry || !(*entry & entry_present))
            continue;
        u64 kept = *entry & ~(entry_writable | entry_no_execute);
        *entry = kept | leaf_value(0, protection, executable);
        invalidate(address + offset);
    }
}

Optional<PageState> query(FlatPtr address)
{
    InterruptsDisabled guard;
    if (!is_reserved(address & ~(page_size - 1), page_size))
        return {};
    u64* entry = leaf_entry(address, false);
    if (!entry || !(*entry & entry_present))
        return {};
    PageState state;
    state.protection = (*entry & entry_writable) ? Protection::ReadWrite : Protection::ReadOnly;
    // Without no-execute support every present page is executable.
    bool no_execute = s_no_execute_supported && (*entry & entry_no_execute);
    state.executable = no_execute ? Executable::No : Executable::Yes;
    state.dirty = *entry & entry_dirty;
    state.frame = *entry & entry_frame_mask;
    return state;
}

usize collect_dirty_pages(FlatPtr first_page, usize page_count, Span<u64> bitmap, ClearDirty clear)
{
    VERIFY(is_page_aligned(first_page) && is_reserved(first_page, page_count * page_size));
    VERIFY(bitmap.size() * 64 >= page_count);
    for (usize word = 0; word < (page_count + 63) / 64; ++word)
        bitmap[word] = 0;
    InterruptsDisabled guard;
    usize dirty_pages = 0;
    // The page table of the current 2 MiB stretch, walked to once per stretch, not per page.
    u64* table = nullptr;
    FlatPtr table_stretch = ~static_cast<FlatPtr>(0);
    for (usize index = 0; index < page_count; ++index) {
        FlatPtr address = first_page + index * page_size;
        usize slot = (address >> 12) & 511;
        if ((address >> 21) != table_stretch) {
            table_stretch = address >> 21;
            u64* entry = leaf_entry(address, false);
            table = entry ? entry - slot : nullptr;
        }
        if (!table)
            continue;
        u64* entry = &table[slot];
        if ((*entry & (entry_present | entry_dirty)) != (entry_present | entry_dirty))
            continue;
        bitmap[index / 64] |= 1ull << (index % 64);
        ++dirty_pages;
        if (clear == ClearDirty::Yes) {
            // Locked, because the processor sets accessed/dirty bits with locked writes too.
            __atomic_fetch_and(entry, ~entry_dirty, __ATOMIC_SEQ_CST);
            if (dirty_pages <= full_flush_threshold)
                invalidate(address);
        }
    }
    // Past a few dozen pages one flush of every (non-global) translation is cheaper.
    if (clear == ClearDirty::Yes && dirty_pages > full_flush_threshold)
        Kernel::Cpu::write_cr3(Kernel::Cpu::read_cr3());
    return dirty_pages;
}

ErrorOr<void> register_fault_handler(VirtualRange range, FaultHandler handler, void* context)
{
    if (!handler || range.size == 0)
        return Error(ErrorCode::InvalidArgument);
    InterruptsDisabled guard;
    for (auto const& hook : s_fault_hooks) {
        if (hook.handler && range.base < hook.range.end() && hook.range.base < range.end())
            return Error(ErrorCode::AlreadyExists);
    }
    for (auto& hook : s_fault_hooks) {
        if (!hook.handler) {
            hook = {range, handler, context};
            return {};
        }
    }
    return Error(ErrorCode::Busy);
}

void unregister_fault_handler(VirtualRange range)
{
    InterruptsDisabled guard;
    for (auto& hook : s_fault_hooks) {
        if (hook.handler && hook.range.base == range.base)
            hook = {};
    }
}

} // namespace Hal
