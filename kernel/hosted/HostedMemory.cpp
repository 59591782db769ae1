/*
 * kernel/hosted/HostedMemory.cpp: the memory HAL (kernel/hal/Memory.h) of the hosted port.
 *
 * - Frames are 4 KiB slots of one memory file (memfd_create); a FrameAddress is an offset
 *   in it. Freed frames are punched out of the file (memory back to Linux, zero again).
 * - A reserved range is an mmap(PROT_NONE, MAP_NORESERVE) region. map_zeroed() puts fresh
 *   anonymous private pages there, map_frame() a MAP_SHARED view of the frame file, and
 *   unmap() a PROT_NONE anonymous mapping again. Each range keeps one u64 per page (flags
 *   in the low bits, the frame offset in the others), like a page-table entry.
 * - Dirty tracking by write protection: a writable page that is clean is mapped read-only;
 *   its first write faults, the SIGSEGV interceptor marks it dirty and makes it writable,
 *   and the write is retried. Clearing the dirty state write-protects again. Exact, per
 *   range, and it needs nothing from the kernel. Soft-dirty (/proc/self/pagemap bit 55 plus
 *   `4` into /proc/self/clear_refs) was the alternative and was not taken: clear_refs
 *   clears the whole process, not a range, and a new or merged VMA reads as soft-dirty in
 *   full (VM_SOFTDIRTY), so a read after mmap/mprotect would report pages never written.
 *   The cost is one signal per first write to a page after a clear, and one VMA per run of
 *   pages with the same protection (vm.max_map_count, 65530 by default, bounds how
 *   fragmented a range may become; FIXME: report it as an error before Linux refuses).
 * - map_filled() writes the new page through /proc/self/mem while it is still PROT_NONE, so
 *   the fill is neither a first write (the page is clean) nor visible half done.
 * - Fault hook: faults that are not dirty tracking go to the handler registered for the
 *   range, then to the panic report (HostedPanic.cpp) when it declines.
 *
 * Locking: one recursive mutex around the tables; the fault hook runs without it, so it may
 * call the mapping functions. The SIGSEGV path takes the mutex only for dirty tracking, which
 * no HAL function can trigger while holding it (they never touch the pages they manage).
 */
#include <kernel/hal/Memory.h>
#include <kernel/hosted/HostedPanic.h>
#include <kernel/hosted/HostedThreads.h>

#include <base/Assertions.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace Hal {

namespace {

    // How many frames the frame file may hold (its pages cost memory only when used).
    constexpr usize frame_capacity = 1024 * 1024; // 4 GiB

    constexpr u64 page_mapped = 1 << 0;
    constexpr u64 page_writable = 1 << 1;
    constexpr u64 page_executable = 1 << 2;
    constexpr u64 page_dirty = 1 << 3;
    constexpr u64 page_shared_frame = 1 << 4; // a map_frame() page; the offset is in the high bits
    constexpr u64 page_frame_mask = ~static_cast<u64>(page_size - 1);

    constexpr u64 fault_error_write = 1 << 1;
    constexpr u64 fault_error_instruction_fetch = 1 << 4;

    struct Reservation {
        FlatPtr base {0};
        usize size {0};
        u64* pages {nullptr}; // one entry per page
        FaultHandler handler {nullptr};
        void* handler_context {nullptr};
    };
    constexpr usize max_reservations = 32;

    struct State {
        pthread_mutex_t lock;
        Reservation reservations[max_reservations];
        int frame_file {-1};
        u64 frame_file_end {0}; // offsets below were handed out at least once
        u64* free_frames {nullptr};
        usize free_frame_count {0};
        usize allocated_frames {0};
    };

    State& state()
    {
        static State* s_state = [] {
            static State storage;
            pthread_mutexattr_t attributes;
            pthread_mutexattr_init(&attributes);
            pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
            pthread_mutex_init(&storage.lock, &attributes);
            return &storage;
        }();
        return *s_state;
    }

    class Locker {
    public:
        Locker() { pthread_mutex_lock(&state().lock); }
        ~Locker() { pthread_mutex_unlock(&state().lock); }
        Locker(Locker const&) = delete;
        Locker& operator=(Locker const&) = delete;
    };

    constexpr usize align_up(usize value) { return (value + page_size - 1) & ~(page_size - 1); }
    bool is_page_aligned(u64 value) { return value % page_size == 0; }

    Reservation* reservation_for(FlatPtr address, usize bytes)
    {
        for (auto& reservation : state().reservations) {
            if (reservation.size != 0 && address >= reservation.base
                && address - reservation.base <= reservation.size
                && bytes <= reservation.base + reservation.size - address)
                return &reservation;
        }
        return nullptr;
    }

    u64& entry_of(Reservation& reservation, FlatPtr address)
    {
        return reservation.pages[(address - reservation.base) / page_size];
    }

    // What the page must be mapped with: clean writable pages stay read-only until written.
    int host_protection(u64 entry)
    {
        if (!(entry & page_mapped))
            return PROT_NONE;
        int protection = PROT_READ;
        if ((entry & page_writable) && (entry & page_dirty))
            protection |= PROT_WRITE;
        if (entry & page_executable)
            protection |= PROT_EXEC;
        return protection;
    }

    // mprotect()s [address, address + bytes) to match the entries, one call per run of pages
    // with the same protection.
    void apply_protection(Reservation& reservation, FlatPtr address, usize bytes)
    {
        FlatPtr run_start = address;
        int run_protection = -1;
        for (FlatPtr page = address; page <= address + bytes; page += page_size) {
            int protection = -2;
            if (page < address + bytes) {
                u64 entry = entry_of(reservation, page);
                if (!(entry & page_mapped)) {
                    protection = -2; // unmapped pages end a run and are left alone
                } else {
                    protection = host_protection(entry);
                }
            }
            if (protection != run_protection) {
                if (run_protection >= 0)
                    VERIFY(
                        mprotect(reinterpret_cast<void*>(run_start), page - run_start, run_protection) == 0);
                run_start = page;
                run_protection = protection;
            }
        }
    }

    // Maps inaccessible (PROT_NONE) reserved memory over [address, address + bytes), releasing
    // what was there.
    void unmap_locked(Reservation& reservation, FlatPtr address, usize bytes)
    {
        void* result = mmap(reinterpret_cast<void*>(address), bytes, PROT_NONE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        VERIFY(result != MAP_FAILED);
        for (FlatPtr page = address; page < address + bytes; page += page_size)
            entry_of(reservation, page) = 0;
    }

    ErrorOr<void> ensure_frame_file()
    {
        auto& memory = state();
        if (memory.frame_file >= 0)
            return {};
        int file = memfd_create("phantom-frames", MFD_CLOEXEC);
        if (file < 0)
            return Error(ErrorCode::Unsupported);
        if (ftruncate(file, static_cast<off_t>(frame_capacity * page_size)) != 0) {
            close(file);
            return Error(ErrorCode::OutOfMemory);
        }
        void* list = mmap(nullptr, frame_capacity * sizeof(u64), PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (list == MAP_FAILED) {
            close(file);
            return Error(ErrorCode::OutOfMemory);
        }
        memory.free_frames = static_cast<u64*>(list);
        memory.frame_file = file;
        return {};
    }

    // Puts a fresh private page holding `content` at `address` with `final_protection` (a
    // clean page's, so never writable). No thread can see it half filled: it stays
    // PROT_NONE (a thread touching it faults and its fault path waits for the lock we hold)
    // while /proc/self/mem writes it, which works through any protection without faulting.
    // Where /proc/self/mem is not writable, the page is filled elsewhere and moved in with
    // mremap, atomically too, but then it rarely merges with its neighbours' mapping.
    bool fill_page_unseen(FlatPtr address, ReadonlyBytes content, int final_protection)
    {
        static int s_memory_file = -2; // -2: not tried yet; -1: not writable here
        if (s_memory_file == -2)
            s_memory_file = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
        if (s_memory_file >= 0) {
            void* page = mmap(reinterpret_cast<void*>(address), page_size, PROT_NONE,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
            if (page == MAP_FAILED)
                return false;
            if (pwrite(s_memory_file, content.data(), page_size, static_cast<off_t>(address))
                == static_cast<ssize_t>(page_size))
                return mprotect(page, page_size, final_protection) == 0;
            close(s_memory_file);
            s_memory_file = -1;
        }
        void* scratch = mmap(nullptr, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (scratch == MAP_FAILED)
            return false;
        __builtin_memcpy(scratch, content.data(), page_size);
        if (mprotect(scratch, page_size, final_protection) != 0
            || mremap(scratch, page_size, page_size, MREMAP_MAYMOVE | MREMAP_FIXED,
                   reinterpret_cast<void*>(address))
                == MAP_FAILED) {
            munmap(scratch, page_size);
            return false;
        }
        return true;
    }

    bool handle_fault(void* signal_information, void* user_context);

    void install_fault_interceptor()
    {
        static pthread_once_t s_once = PTHREAD_ONCE_INIT;
        pthread_once(&s_once, [] { Hosted::set_fault_interceptor(handle_fault); });
    }

    // Returns true when the fault was ours to resolve (dirty tracking or the range's hook).
    bool handle_fault(void* signal_information, void* user_context)
    {
        auto const* information = static_cast<siginfo_t*>(signal_information);
        auto const* context = static_cast<ucontext_t*>(user_context);
        auto address = reinterpret_cast<FlatPtr>(information->si_addr);
        auto error = static_cast<u64>(context->uc_mcontext.gregs[REG_ERR]);
        auto access = FaultAccess::Read;
        if (error & fault_error_instruction_fetch)
            access = FaultAccess::Execute;
        else if (error & fault_error_write)
            access = FaultAccess::Write;

        FaultHandler handler = nullptr;
        void* handler_context = nullptr;
        {
            Locker locker;
            Reservation* reservation = reservation_for(address & page_frame_mask, page_size);
            if (!reservation)
                return false;
            FlatPtr page = address & page_frame_mask;
            u64& entry = entry_of(*reservation, page);
            if (access == FaultAccess::Write && (entry & page_mapped) && (entry & page_writable)) {
                // The first write to a clean page: record it and let the write through.
                entry |= page_dirty;
                VERIFY(mprotect(reinterpret_cast<void*>(page), page_size, host_protection(entry)) == 0);
                return true;
            }
            handler = reservation->handler;
            handler_context = reservation->handler_context;
        }
        if (!handler)
            return false;
        // The handler may wait, but the thread is not at a safepoint (kernel/hal/Memory.h).
        Hosted::set_in_fault_handler(true);
        bool resolved = handler(handler_context, address, access) == FaultResolution::Resolved;
        Hosted::set_in_fault_handler(false);
        return resolved;
    }

    ErrorOr<VirtualRange> add_reservation(void* mapping, usize size)
    {
        auto base = reinterpret_cast<FlatPtr>(mapping);
        void* pages = mmap(nullptr, size / page_size * sizeof(u64), PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (pages == MAP_FAILED) {
            munmap(mapping, size);
            return Error(ErrorCode::OutOfMemory);
        }
        Locker locker;
        for (auto& reservation : state().reservations) {
            if (reservation.size == 0) {
                reservation = {base, size, static_cast<u64*>(pages), nullptr, nullptr};
                install_fault_interceptor();
                return VirtualRange {base, size};
            }
        }
        munmap(pages, size / page_size * sizeof(u64));
        munmap(mapping, size);
        return Error(ErrorCode::Busy);
    }

} // namespace

ErrorOr<FrameAddress> allocate_frame()
{
    Locker locker;
    TRY(ensure_frame_file());
    auto& memory = state();
    if (memory.free_frame_count > 0) {
        ++memory.allocated_frames;
        return memory.free_frames[--memory.free_frame_count];
    }
    if (memory.frame_file_end == frame_capacity * page_size)
        return Error(ErrorCode::OutOfMemory);
    ++memory.allocated_frames;
    FrameAddress frame = memory.frame_file_end;
    memory.frame_file_end += page_size;
    return frame;
}

void free_frame(FrameAddress frame)
{
    Locker locker;
    auto& memory = state();
    VERIFY(is_page_aligned(frame) && frame < memory.frame_file_end && memory.allocated_frames > 0);
    // The memory goes back to Linux and the frame reads as zero when handed out again.
    fallocate(memory.frame_file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, static_cast<off_t>(frame),
        static_cast<off_t>(page_size));
    memory.free_frames[memory.free_frame_count++] = frame;
    --memory.allocated_frames;
}

FrameStatistics frame_statistics()
{
    Locker locker;
    return {frame_capacity, frame_capacity - state().allocated_frames};
}

ErrorOr<VirtualRange> reserve_range(usize bytes)
{
    if (bytes == 0)
        return Error(ErrorCode::InvalidArgument);
    usize size = align_up(bytes);
    void* mapping = mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mapping == MAP_FAILED)
        return Error(ErrorCode::OutOfMemory);
    return add_reservation(mapping, size);
}

ErrorOr<VirtualRange> reserve_range_at(FlatPtr base, usize bytes)
{
    if (bytes == 0 || !is_page_aligned(base))
        return Error(ErrorCode::InvalidArgument);
    usize size = align_up(bytes);
    void* mapping = mmap(reinterpret_cast<void*>(base), size, PROT_NONE,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (mapping == MAP_FAILED)
        return Error(errno == EEXIST ? ErrorCode::AlreadyExists : ErrorCode::Unsupported);
    if (reinterpret_cast<FlatPtr>(mapping) != base) {
        // Kernels before 4.17 treat the flag as a hint.
        munmap(mapping, size);
        return Error(ErrorCode::AlreadyExists);
    }
    return add_reservation(mapping, size);
}

void release_range(VirtualRange range)
{
    Locker locker;
    Reservation* reservation = reservation_for(range.base, range.size);
    VERIFY(reservation && reservation->base == range.base);
    munmap(reinterpret_cast<void*>(reservation->base), reservation->size);
    munmap(reservation->pages, reservation->size / page_size * sizeof(u64));
    *reservation = {};
}

ErrorOr<void> map_zeroed(FlatPtr address, usize bytes, Protection protection, Executable executable)
{
    if (!is_page_aligned(address) || bytes == 0)
        return Error(ErrorCode::InvalidArgument);
    bytes = align_up(bytes);
    Locker locker;
    Reservation* reservation = reservation_for(address, bytes);
    if (!reservation)
        return Error(ErrorCode::InvalidArgument);
    u64 entry = page_mapped | (protection == Protection::ReadWrite ? page_writable : 0)
        | (executable == Executable::Yes ? page_executable : 0);
    void* result = mmap(reinterpret_cast<void*>(address), bytes, host_protection(entry),
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (result == MAP_FAILED) {
        unmap_locked(*reservation, address, bytes);
        return Error(ErrorCode::OutOfMemory);
    }
    for (FlatPtr page = address; page < address + bytes; page += page_size)
        entry_of(*reservation, page) = entry;
    return {};
}

ErrorOr<void> map_filled(FlatPtr address, ReadonlyBytes content, Protection protection, Executable executable)
{
    if (!is_page_aligned(address) || content.size() != page_size)
        return Error(ErrorCode::InvalidArgument);
    Locker locker;
    Reservation* reservation = reservation_for(address, page_size);
    if (!reservation)
        return Error(ErrorCode::InvalidArgument);
    u64 entry = page_mapped | (protection == Protection::ReadWrite ? page_writable : 0)
        | (executable == Executable::Yes ? page_executable : 0);
    // Clean, so mapped without PROT_WRITE: the first write is recorded as usual.
    if (!fill_page_unseen(address, content, host_protection(entry))) {
        unmap_locked(*reservation, address, page_size);
        return Error(ErrorCode::OutOfMemory);
    }
    entry_of(*reservation, address) = entry;
    return {};
}

ErrorOr<void> map_frame(FlatPtr address, FrameAddress frame, Protection protection, Executable executable)
{
    if (!is_page_aligned(address) || !is_page_aligned(frame))
        return Error(ErrorCode::InvalidArgument);
    Locker locker;
    Reservation* reservation = reservation_for(address, page_size);
    if (!reservation || frame >= state().frame_file_end)
        return Error(ErrorCode::InvalidArgument);
    u64 entry = frame | page_mapped | page_shared_frame
        | (protection == Protection::ReadWrite ? page_writable : 0)
        | (executable == Executable::Yes ? page_executable : 0);
    void* result = mmap(reinterpret_cast<void*>(address), page_size, host_protection(entry),
        MAP_SHARED | MAP_FIXED, state().frame_file, static_cast<off_t>(frame));
    if (result == MAP_FAILED) {
        unmap_locked(*reservation, address, page_size);
        return Error(ErrorCode::OutOfMemory);
    }
    entry_of(*reservation, address) = entry;
    return {};
}

void unmap(FlatPtr address, usize bytes)
{
    Locker locker;
    Reservation* reservation = reservation_for(address, bytes);
    VERIFY(is_page_aligned(address) && reservation);
    if (bytes > 0)
        unmap_locked(*reservation, address, align_up(bytes));
}

void protect(FlatPtr address, usize bytes, Protection protection, Executable executable)
{
    Locker locker;
    bytes = align_up(bytes);
    Reservation* reservation = reservation_for(address, bytes);
    VERIFY(is_page_aligned(address) && reservation);
    // A clean page stays read-only whatever its logical protection (dirty tracking), so a
    // snapshot's write protection of pages it has just cleaned changes nothing on the host: no
    // mprotect() then. On a virtual machine each call costs microseconds.
    bool host_changed = false;
    for (FlatPtr page = address; page < address + bytes; page += page_size) {
        u64& entry = entry_of(*reservation, page);
        if (!(entry & page_mapped))
            continue;
        int before = host_protection(entry);
        entry &= ~(page_writable | page_executable);
        if (protection == Protection::ReadWrite)
            entry |= page_writable;
        if (executable == Executable::Yes)
            entry |= page_executable;
        host_changed |= host_protection(entry) != before;
    }
    if (host_changed)
        apply_protection(*reservation, address, bytes);
}

Optional<PageState> query(FlatPtr address)
{
    Locker locker;
    FlatPtr page = address & page_frame_mask;
    Reservation* reservation = reservation_for(page, page_size);
    if (!reservation || page == reservation->base + reservation->size)
        return {};
    u64 entry = entry_of(*reservation, page);
    if (!(entry & page_mapped))
        return {};
    PageState page_state;
    page_state.protection = (entry & page_writable) ? Protection::ReadWrite : Protection::ReadOnly;
    page_state.executable = (entry & page_executable) ? Executable::Yes : Executable::No;
    page_state.dirty = entry & page_dirty;
    page_state.frame = (entry & page_shared_frame) ? (entry & page_frame_mask) : 0;
    return page_state;
}

usize collect_dirty_pages(FlatPtr first_page, usize page_count, Span<u64> bitmap, ClearDirty clear)
{
    VERIFY(bitmap.size() * 64 >= page_count);
    for (usize word = 0; word < (page_count + 63) / 64; ++word)
        bitmap[word] = 0;
    Locker locker;
    Reservation* reservation = reservation_for(first_page, page_count * page_size);
    VERIFY(is_page_aligned(first_page) && reservation);
    usize dirty_pages = 0;
    for (usize index = 0; index < page_count; ++index) {
        u64& entry = entry_of(*reservation, first_page + index * page_size);
        if (!(entry & page_mapped) || !(entry & page_dirty))
            continue;
        bitmap[index / 64] |= 1ull << (index % 64);
        ++dirty_pages;
        if (clear == ClearDirty::Yes)
            entry &= ~page_dirty;
    }
    if (clear == ClearDirty::Yes && dirty_pages > 0)
        apply_protection(*reservation, first_page, page_count * page_size);
    return dirty_pages;
}

ErrorOr<void> register_fault_handler(VirtualRange range, FaultHandler handler, void* context)
{
    if (!handler)
        return Error(ErrorCode::InvalidArgument);
    Locker locker;
    Reservation* reservation = reservation_for(range.base, range.size);
    // Hosted keeps one handler per reservation: the range must be one from reserve_range*().
    if (!reservation || reservation->base != range.base)
        return Error(ErrorCode::InvalidArgument);
    if (reservation->handler)
        return Error(ErrorCode::AlreadyExists);
    reservation->handler = handler;
    reservation->handler_context = context;
    return {};
}

void unregister_fault_handler(VirtualRange range)
{
    Locker locker;
    Reservation* reservation = reservation_for(range.base, 0);
    if (reservation && reservation->base == range.base) {
        reservation->handler = nullptr;
        reservation->handler_context = nullptr;
    }
}

} // namespace Hal
