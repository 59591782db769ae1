/*
 * kernel/hal/Memory.h: memory as the OS essence sees it, on either port.
 *
 *   - Frames: 4 KiB units of memory named by a FrameAddress (pc: a physical address;
 *     hosted: an offset in a memory file). A frame can be mapped at several places.
 *   - Ranges: a VirtualRange is reserved first (nothing mapped in it), then pages inside it
 *     are mapped (a fresh zeroed frame owned by the mapping, or a given frame), protected
 *     read-only or read-write, queried and unmapped. Every address handed to the mapping
 *     functions must lie in a range returned by reserve_range()/reserve_range_at().
 *   - Dirty state: every mapped page of a reserved range records whether it was written
 *     since its state was last cleared (pc: the PTE dirty bit; hosted: write-protection and
 *     a fault on the first write). A freshly mapped page is clean.
 *   - Fault hook: the persistence layer registers a handler for a range; an access that
 *     faults there (page not mapped, or a write to a read-only page) calls it, and the
 *     faulting instruction is retried when it returns Resolved.
 *
 * Usage:
 *     auto range = TRY(Hal::reserve_range(64 * Hal::page_size));
 *     TRY(Hal::map_zeroed(range.base, Hal::page_size, Hal::Protection::ReadWrite));
 *     ...
 *     u64 bits[1];
 *     auto dirty_pages = Hal::collect_dirty_pages(range.base, 64, bits, Hal::ClearDirty::Yes);
 *
 * The functions may be called with interrupts on or off and from a fault handler; they are
 * not meant for concurrent use on the same pages from several threads (but map_filled() lets
 * a fault handler publish a page that other threads may already be faulting on).
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/Types.h>

namespace Hal {

// The unit of mapping, protection and dirty tracking on both ports.
constexpr usize page_size = 4096;

// Names one frame: a physical address in pc, an offset of the frame file in hosted.
using FrameAddress = u64;

enum class Protection : u8 {
    ReadOnly,
    ReadWrite,
};

enum class Executable : u8 {
    No,
    Yes,
};

enum class ClearDirty : u8 {
    No,
    Yes,
};

// A page-aligned span of virtual addresses: [base, base + size).
struct VirtualRange {
    FlatPtr base {0};
    usize size {0};

    FlatPtr end() const { return base + size; }
    bool contains(FlatPtr address) const { return address >= base && address - base < size; }
    usize page_count() const { return size / page_size; }
};

// Allocates one 4 KiB frame (content undefined); OutOfMemory when none is left.
ErrorOr<FrameAddress> allocate_frame();

// Returns a frame from allocate_frame(); it must no longer be mapped anywhere.
void free_frame(FrameAddress);

struct FrameStatistics {
    usize total_frames {0}; // frames the allocator manages
    usize free_frames {0};
};

// How many frames exist and how many are free right now.
FrameStatistics frame_statistics();

// Reserves `bytes` (rounded up to pages) of address space somewhere; nothing is mapped.
ErrorOr<VirtualRange> reserve_range(usize bytes);

// Reserves [base, base + bytes) exactly (base page-aligned); AlreadyExists or Unsupported
// when that span is taken or not available on this port.
ErrorOr<VirtualRange> reserve_range_at(FlatPtr base, usize bytes);

// Unmaps every page of a range from reserve_range*() and gives the address space back.
void release_range(VirtualRange);

// Maps fresh zeroed frames at [address, address + bytes); the mapping owns them (unmap frees
// them). Pages already mapped there are replaced. The new pages are clean.
ErrorOr<void> map_zeroed(FlatPtr address, usize bytes, Protection, Executable = Executable::No);

// Maps a fresh frame holding `content` (page_size bytes) at the page `address`; the mapping
// owns it. The page appears with its content complete (another thread either faults or sees
// every byte) and clean: the fill is not a write. Replaces a page already mapped there.
ErrorOr<void> map_filled(FlatPtr address, ReadonlyBytes content, Protection, Executable = Executable::No);

// Maps one given frame at the page `address`; the caller keeps ownership of the frame.
ErrorOr<void> map_frame(FlatPtr address, FrameAddress, Protection, Executable = Executable::No);

// Unmaps the pages of [address, address + bytes) that are mapped, freeing frames they own.
void unmap(FlatPtr address, usize bytes);

// Changes the protection of the mapped pages in [address, address + bytes); unmapped pages
// are skipped. Dirty state is kept.
void protect(FlatPtr address, usize bytes, Protection, Executable = Executable::No);

struct PageState {
    Protection protection {Protection::ReadOnly};
    Executable executable {Executable::No};
    bool dirty {false};
    // The frame mapped there: the given one for map_frame() pages; for map_zeroed() pages the
    // port's own (pc) or 0 when the port has no frame for them (hosted: anonymous memory).
    FrameAddress frame {0};
};

// The state of the page holding `address`, or nothing when it is not mapped.
Optional<PageState> query(FlatPtr address);

// Sets bit i of `bitmap` (bit i % 64 of word i / 64) when page `first_page + i * page_size`
// was written since its dirty state was last cleared, for i < page_count, clearing the
// others; with ClearDirty::Yes the pages are clean afterwards. Unmapped pages count as clean.
// Returns the number of dirty pages. `bitmap` must hold page_count bits.
usize collect_dirty_pages(FlatPtr first_page, usize page_count, Span<u64> bitmap, ClearDirty);

// What the faulting access tried to do.
enum class FaultAccess : u8 {
    Read,
    Write,
    Execute,
};

enum class FaultResolution : u8 {
    Resolved,  // the handler mapped or unprotected the page: retry the access
    Unhandled, // a real fault: the port's panic report (pc) or fatal SIGSEGV (hosted)
};

// Called on the faulting thread with the faulting address (not page-aligned); it may call
// the mapping functions above, and it may block (take a Mutex, wait for the disk) when the
// faulting code could have: pc: interrupts are on again during the call when the faulting
// code had them on (a fault with interrupts off, e.g. in an interrupt handler, calls it with
// them off, and then it must not block); hosted: it runs in the SIGSEGV handler of the
// faulting thread, whose other code holds none of the handler's locks. Its waits do not count
// as parked for a ThreadGroup stop (kernel/hal/Threads.h): the thread is in the middle of its
// code, not at a safepoint. A fault inside the handler itself is not handled (the port's
// report). Several threads may be inside it at once.
using FaultHandler = FaultResolution (*)(void* context, FlatPtr address, FaultAccess);

// Calls `handler` for faults inside `range`, a range from reserve_range*() (one handler per
// range; AlreadyExists when it has one, Busy when the port's small table is full).
ErrorOr<void> register_fault_handler(VirtualRange, FaultHandler, void* context);

// Removes the handler registered for a range with this base.
void unregister_fault_handler(VirtualRange);

} // namespace Hal
