/*
 * kernel/persist/PersistentAddressSpace.cpp: lazy restore through the fault hook, and the
 * snapshot protocol (safepoint, write-protect, resume, copy with copy-on-write, commit).
 *
 * Copy-on-write without blocking the fault hook: each page of the in-flight snapshot has a
 * state. The writer copies a page while it is still write-protected, then claims it
 * (Protected -> Released) and unprotects it; if a mutator's write fault claimed it first
 * (Protected -> CowCopying), the fault hook copies the page into the snapshot's side buffer
 * BEFORE unprotecting it, publishes CowReady, and the writer takes the side buffer instead of
 * its own (possibly torn) copy. Neither side ever waits on the other inside the fault hook.
 *
 * The writer works in chunks: it copies up to chunk_pages pages, hands them to the store's
 * PendingSnapshot (which writes them at once), and goes on with the next chunk, so memory for
 * copies stays one chunk whatever the number of dirty pages, and pages not yet reached stay
 * write-protected while the disk works (mutators writing them copy them on write).
 */
#include <kernel/persist/PersistentAddressSpace.h>

#include <base/Assertions.h>
#include <base/Log.h>
#include <base/StdLibExtras.h>

namespace Persist {

namespace {

    enum PageCopyState : u8 {
        Protected,  // write-protected, content is the snapshot's
        Released,   // the writer copied it and unprotects it
        CowCopying, // a write fault is copying it into the side buffer
        CowReady,   // the side buffer holds the snapshot's content
    };

    u64 popcount(u64 word) { return static_cast<u64>(__builtin_popcountll(word)); }

    // Pages the writer copies before handing them to the store: 1 MiB of copies.
    constexpr usize chunk_pages = 256;

    // How long the writer sleeps while a write fault copies a page it wants.
    constexpr u64 cow_wait_ns = 50 * 1000;

} // namespace

struct PersistentAddressSpace::InFlightPage {
    u64 index;
    u8 state;
};

struct PersistentAddressSpace::InFlightSnapshot {
    Vector<InFlightPage> pages;    // ascending index
    Vector<DirtyPage> dirty_pages; // the chunk being handed to the store
    u8* copies {nullptr};          // the writer's copies of one chunk
    // The fault hook's copies: address space for one page per dirty page, reserved during the
    // pause (page-table work only); a page of it is mapped when a write fault copies into it.
    Hal::VirtualRange side_range {};
    u8* side_buffers {nullptr};

    ~InFlightSnapshot()
    {
        ::operator delete(copies);
        if (side_range.size != 0)
            Hal::release_range(side_range);
    }

    InFlightPage* find(u64 index)
    {
        usize low = 0;
        usize high = pages.size();
        while (low < high) {
            usize middle = low + (high - low) / 2;
            if (pages[middle].index == index)
                return &pages[middle];
            if (pages[middle].index < index)
                low = middle + 1;
            else
                high = middle;
        }
        return nullptr;
    }
};

ErrorOr<NonnullOwnPtr<PersistentAddressSpace>> PersistentAddressSpace::open(
    Hal::BlockDevice& device, AddressSpaceOptions const& options)
{
    u64 start_ns = Hal::monotonic_nanoseconds();
    if (options.base % Hal::page_size != 0 || options.size % Hal::page_size != 0 || options.size == 0
        || options.size / Hal::page_size > maximum_page_count)
        return Error::with_message(ErrorCode::InvalidArgument,
            "The persistent address space must be page-aligned and fit the disk format."sv);

    auto opened = PersistentStore::open(device, options.store);
    if (opened.is_error() && opened.error().code() == ErrorCode::InvalidFormat
        && options.format_if_blank == FormatIfBlank::Yes) {
        TRY(PersistentStore::format(device, options.store.kept_generations));
        opened = PersistentStore::open(device, options.store);
    }
    auto store = TRY(move(opened));

    auto space
        = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) PersistentAddressSpace(move(store), options)));
    space->m_restore_buffer = static_cast<u8*>(::operator new(Hal::page_size, std::nothrow));
    if (!space->m_restore_buffer)
        return Error(ErrorCode::OutOfMemory);
    space->m_range = TRY(Hal::reserve_range_at(options.base, options.size));
    TRY(Hal::register_fault_handler(space->m_range, handle_fault, space.ptr()));
    space->m_fault_handler_registered = true;

    auto boot = space->m_store->boot_generation();
    space->m_committed_generation = boot.generation;
    if (boot.generation == 0 && boot.page_count == 0)
        logln("fresh world");
    else
        logln("resumed gen={} in {} ms", boot.generation,
            (Hal::monotonic_nanoseconds() - start_ns) / Hal::nanoseconds_per_millisecond);

    if (options.snapshot_interval_ns != 0)
        TRY(space->start_snapshot_thread());
    return space;
}

PersistentAddressSpace::PersistentAddressSpace(
    NonnullOwnPtr<PersistentStore> store, AddressSpaceOptions const& options)
    : m_store(move(store))
    , m_options(options)
{ }

PersistentAddressSpace::~PersistentAddressSpace()
{
    stop_snapshot_thread();
    if (m_fault_handler_registered)
        Hal::unregister_fault_handler(m_range);
    if (m_range.size != 0)
        Hal::release_range(m_range);
    ::operator delete(m_restore_buffer);
}

AddressSpaceStatistics PersistentAddressSpace::statistics() const
{
    AddressSpaceStatistics result;
    result.pages_restored = __atomic_load_n(&m_pages_restored, __ATOMIC_RELAXED);
    result.pages_zero_filled = __atomic_load_n(&m_pages_zero_filled, __ATOMIC_RELAXED);
    result.copy_on_write_pages = __atomic_load_n(&m_copy_on_write_pages, __ATOMIC_RELAXED);
    result.snapshots = __atomic_load_n(&m_snapshots, __ATOMIC_RELAXED);
    result.failed_snapshots = __atomic_load_n(&m_failed_snapshots, __ATOMIC_RELAXED);
    return result;
}

void PersistentAddressSpace::lock_store() const { m_store_mutex.lock(); }

void PersistentAddressSpace::unlock_store() const { m_store_mutex.unlock(); }

Hal::FaultResolution PersistentAddressSpace::handle_fault(
    void* context, FlatPtr address, Hal::FaultAccess access)
{
    auto& space = *static_cast<PersistentAddressSpace*>(context);
    FlatPtr page = address & ~static_cast<FlatPtr>(Hal::page_size - 1);
    auto state = Hal::query(page);
    if (!state.has_value())
        return space.restore_page(page);
    if (state->protection == Hal::Protection::ReadWrite)
        return Hal::FaultResolution::Resolved; // another thread unprotected it meanwhile
    if (access == Hal::FaultAccess::Write)
        return space.copy_on_write(page);
    return Hal::FaultResolution::Unhandled;
}

Hal::FaultResolution PersistentAddressSpace::restore_page(FlatPtr page)
{
    // The fault hook may block (kernel/hal/Memory.h): this waits for a commit in progress
    // and for the disk read like any other code of the faulting thread.
    lock_store();
    if (Hal::query(page).has_value()) {
        // Another thread restored it while this one waited.
        unlock_store();
        return Hal::FaultResolution::Resolved;
    }
    u64 index = (page - m_range.base) / Hal::page_size;
    auto present = m_store->read_page(m_committed_generation, index, Bytes(m_restore_buffer, Hal::page_size));
    if (present.is_error()) {
        // Never run on garbage: the access fails as a real fault.
        logln("persist: cannot restore page {} of generation {}: {}", index, m_committed_generation,
            present.error());
        unlock_store();
        return Hal::FaultResolution::Unhandled;
    }
    // Mapped complete and clean in one step: a restored page equals its stored copy, so it is
    // not owed to the next snapshot, and no other thread can see it half filled.
    auto mapped = present.value()
        ? Hal::map_filled(page, ReadonlyBytes(m_restore_buffer, Hal::page_size), Hal::Protection::ReadWrite)
        : Hal::map_zeroed(page, Hal::page_size, Hal::Protection::ReadWrite);
    if (mapped.is_error()) {
        logln("persist: cannot map page {}: {}", index, mapped.error());
        unlock_store();
        return Hal::FaultResolution::Unhandled;
    }
    if (present.value())
        __atomic_fetch_add(&m_pages_restored, 1, __ATOMIC_RELAXED);
    else
        __atomic_fetch_add(&m_pages_zero_filled, 1, __ATOMIC_RELAXED);
    if (index + 1 > __atomic_load_n(&m_mapped_page_limit, __ATOMIC_RELAXED))
        __atomic_store_n(&m_mapped_page_limit, index + 1, __ATOMIC_RELEASE);
    unlock_store();
    return Hal::FaultResolution::Resolved;
}

Hal::FaultResolution PersistentAddressSpace::copy_on_write(FlatPtr page)
{
    // Runs with interrupts on (pc), so a mutator may be preempted inside CowCopying, and the
    // copy (map_filled) may block. The writer, of higher priority, then finds the page being
    // copied: it sleeps a little at a time until the copy is done (write_pages), so the mutator
    // gets to run even on one processor (Hal::yield() would only give way to equal priority).
    __atomic_fetch_add(&m_copy_on_write_handlers, 1, __ATOMIC_SEQ_CST);
    auto result = Hal::FaultResolution::Unhandled;
    auto* snapshot = __atomic_load_n(&m_in_flight, __ATOMIC_SEQ_CST);
    InFlightPage* entry = snapshot ? snapshot->find((page - m_range.base) / Hal::page_size) : nullptr;
    if (entry) {
        u8 expected = Protected;
        if (__atomic_compare_exchange_n(
                &entry->state, &expected, CowCopying, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            usize slot = static_cast<usize>(entry - snapshot->pages.data());
            auto copied = Hal::map_filled(
                reinterpret_cast<FlatPtr>(snapshot->side_buffers + slot * Hal::page_size),
                ReadonlyBytes(reinterpret_cast<u8 const*>(page), Hal::page_size), Hal::Protection::ReadWrite);
            if (copied.is_error()) {
                // No frame for the copy: the page stays protected until the writer has it, and
                // the write retries (faulting) until then.
                __atomic_store_n(&entry->state, static_cast<u8>(Protected), __ATOMIC_RELEASE);
                Hal::yield();
            } else {
                __atomic_store_n(&entry->state, static_cast<u8>(CowReady), __ATOMIC_RELEASE);
                Hal::protect(page, Hal::page_size, Hal::Protection::ReadWrite);
                __atomic_fetch_add(&m_copy_on_write_pages, 1, __ATOMIC_RELAXED);
            }
        } else if (expected != CowCopying) {
            // Already copied (by the writer or another fault): only the unprotect may be missing.
            Hal::protect(page, Hal::page_size, Hal::Protection::ReadWrite);
        }
        // CowCopying: another thread is copying it; the retried write faults until it is done.
        result = Hal::FaultResolution::Resolved;
    } else if (auto state = Hal::query(page);
               state.has_value() && state->protection == Hal::Protection::ReadWrite) {
        // The snapshot that protected the page ended between the fault and now (the hook runs
        // with interrupts on and may be preempted): the page is writable again, retry.
        result = Hal::FaultResolution::Resolved;
    }
    __atomic_fetch_sub(&m_copy_on_write_handlers, 1, __ATOMIC_SEQ_CST);
    return result;
}

ErrorOr<GenerationInfo> PersistentAddressSpace::snapshot()
{
    Hal::MutexLocker locker(m_snapshot_mutex);
    return take_snapshot();
}

ErrorOr<void> PersistentAddressSpace::collect_dirty(InFlightSnapshot& snapshot)
{
    usize limit = __atomic_load_n(&m_mapped_page_limit, __ATOMIC_ACQUIRE);
    usize words = (limit + 63) / 64;
    Vector<u64> bitmap;
    TRY(bitmap.try_resize(words));
    if (m_unsaved.size() < words)
        TRY(m_unsaved.try_resize(words));
    // From here on the dirty state is cleared: m_unsaved keeps the pages until a commit.
    if (limit != 0)
        (void)Hal::collect_dirty_pages(m_range.base, limit, bitmap.span(), Hal::ClearDirty::Yes);
    usize count = 0;
    for (usize word = 0; word < m_unsaved.size(); ++word) {
        if (word < words)
            m_unsaved[word] |= bitmap[word];
        count += popcount(m_unsaved[word]);
    }
    if (count == 0)
        return {};
    TRY(snapshot.pages.try_ensure_capacity(count));
    TRY(snapshot.dirty_pages.try_ensure_capacity(min(count, chunk_pages)));
    snapshot.copies
        = static_cast<u8*>(::operator new(min(count, chunk_pages) * Hal::page_size, std::nothrow));
    if (!snapshot.copies)
        return Error(ErrorCode::OutOfMemory);
    snapshot.side_range = TRY(Hal::reserve_range(count * Hal::page_size));
    snapshot.side_buffers = reinterpret_cast<u8*>(snapshot.side_range.base);
    for (usize word = 0; word < m_unsaved.size(); ++word) {
        for (u64 bits = m_unsaved[word]; bits != 0; bits &= bits - 1) {
            u64 index = word * 64 + static_cast<u64>(__builtin_ctzll(bits));
            MUST(snapshot.pages.try_append(InFlightPage {index, Protected}));
        }
    }
    // Write-protect runs of consecutive pages: page-table work only, never page content.
    usize run_start = 0;
    for (usize i = 1; i <= snapshot.pages.size(); ++i) {
        if (i < snapshot.pages.size() && snapshot.pages[i].index == snapshot.pages[i - 1].index + 1)
            continue;
        u64 first = snapshot.pages[run_start].index;
        Hal::protect(m_range.base + first * Hal::page_size, (i - run_start) * Hal::page_size,
            Hal::Protection::ReadOnly);
        run_start = i;
    }
    return {};
}

ErrorOr<void> PersistentAddressSpace::write_pages(InFlightSnapshot& snapshot, PendingSnapshot* pending)
{
    // Pages from `next` on are still protected (or being copied on write).
    usize next = 0;
    auto result = [&]() -> ErrorOr<void> {
        while (pending && next < snapshot.pages.size()) {
            snapshot.dirty_pages.clear();
            usize end = min(next + chunk_pages, snapshot.pages.size());
            for (usize slot = next; slot < end; ++slot) {
                auto& entry = snapshot.pages[slot];
                FlatPtr page = m_range.base + entry.index * Hal::page_size;
                u8* copy = snapshot.copies + (slot - next) * Hal::page_size;
                // Copied while write-protected; valid only if no write fault claimed the page first.
                __builtin_memcpy(copy, reinterpret_cast<void const*>(page), Hal::page_size);
                for (;;) {
                    u8 expected = Protected;
                    if (__atomic_compare_exchange_n(
                            &entry.state, &expected, Released, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
                        Hal::protect(page, Hal::page_size, Hal::Protection::ReadWrite);
                        break;
                    }
                    if (expected == CowReady) {
                        copy = snapshot.side_buffers + slot * Hal::page_size;
                        break;
                    }
                    // CowCopying: a write fault is copying the page (or gives up and puts it back
                    // to Protected, our copy still being good then).
                    Hal::sleep_for(cow_wait_ns);
                }
                MUST(snapshot.dirty_pages.try_append(DirtyPage {entry.index, copy}));
            }
            next = end;
            lock_store();
            auto added = pending->add(snapshot.dirty_pages.span());
            unlock_store();
            TRY(move(added));
        }
        return {};
    }();
    // A failed snapshot gives the pages it did not reach back to the mutators unchanged;
    // they stay owed to the next snapshot (m_unsaved).
    for (; next < snapshot.pages.size(); ++next) {
        auto& entry = snapshot.pages[next];
        u8 expected = Protected;
        if (__atomic_compare_exchange_n(
                &entry.state, &expected, Released, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            Hal::protect(
                m_range.base + entry.index * Hal::page_size, Hal::page_size, Hal::Protection::ReadWrite);
    }
    // No fault hook may still look at the snapshot once it is gone.
    __atomic_store_n(&m_in_flight, static_cast<InFlightSnapshot*>(nullptr), __ATOMIC_SEQ_CST);
    // A handler may be a lower-priority mutator preempted inside it: sleep, not yield.
    while (__atomic_load_n(&m_copy_on_write_handlers, __ATOMIC_SEQ_CST) != 0)
        Hal::sleep_for(cow_wait_ns);
    return result;
}

ErrorOr<GenerationInfo> PersistentAddressSpace::take_snapshot()
{
    // Normally done by the snapshot thread at start; without one, the first snapshot does it,
    // still outside the pause and without holding the store from the fault hook.
    prepare_space();
    InFlightSnapshot snapshot;
    u64 stop_ns = Hal::monotonic_nanoseconds();
    if (m_options.before_stop)
        m_options.before_stop(m_options.before_stop_context);
    if (m_options.mutators)
        m_options.mutators->stop_at_safepoint();
    // The pause has two parts: waiting for every mutator to reach a safepoint (the mutators'
    // business: how often they pass one) and the page-table work below (ours).
    u64 stopped_ns = Hal::monotonic_nanoseconds();
    auto collected = collect_dirty(snapshot);
    if (!collected.is_error() && !snapshot.pages.is_empty())
        __atomic_store_n(&m_in_flight, &snapshot, __ATOMIC_SEQ_CST);
    if (m_options.mutators)
        m_options.mutators->resume();
    u64 resume_ns = Hal::monotonic_nanoseconds();
    u64 pause_ns = resume_ns - stop_ns;

    if (collected.is_error()) {
        __atomic_fetch_add(&m_failed_snapshots, 1, __ATOMIC_RELAXED);
        logln(
            "snapshot failed: {}; generation {} stays committed", collected.error(), committed_generation());
        return collected.release_error();
    }
    if (snapshot.pages.is_empty()) {
        // Nothing changed: no new generation, so kept generations are not pushed out for nothing.
        lock_store();
        auto info = m_store->boot_generation();
        unlock_store();
        return info;
    }

    lock_store();
    auto begun = m_store->begin_snapshot();
    unlock_store();
    ErrorOr<GenerationInfo> result = Error(ErrorCode::IoFailure);
    OwnPtr<PendingSnapshot> pending;
    if (begun.is_error())
        result = begun.release_error();
    else
        pending = begun.release_value();
    // Without a pending snapshot this only gives the pages back to the mutators.
    auto written = write_pages(snapshot, pending.ptr());
    lock_store();
    if (pending && !written.is_error()) {
        result
            = m_store->commit_snapshot(*pending, SnapshotOptions {Hal::wall_clock_nanoseconds(), pause_ns});
        if (!result.is_error())
            __atomic_store_n(&m_committed_generation, result.value().generation, __ATOMIC_RELEASE);
    } else if (pending) {
        result = written.release_error();
    }
    // An uncommitted snapshot gives its blocks back to the store.
    pending.clear();
    unlock_store();
    u64 write_ms = (Hal::monotonic_nanoseconds() - resume_ns) / Hal::nanoseconds_per_millisecond;

    if (result.is_error()) {
        __atomic_fetch_add(&m_failed_snapshots, 1, __ATOMIC_RELAXED);
        // The store has logged why; say that the world goes on.
        logln("snapshot failed ({}); the world keeps running on generation {}", result.error(),
            committed_generation());
        return result.release_error();
    }
    for (auto& word : m_unsaved)
        word = 0;
    __atomic_fetch_add(&m_snapshots, 1, __ATOMIC_RELAXED);
    logln("snapshot gen={} pages={} pause_us={} write_ms={} safepoint_us={}", result.value().generation,
        snapshot.pages.size(), pause_ns / 1000, write_ms, (stopped_ns - stop_ns) / 1000);
    return result.release_value();
}

void PersistentAddressSpace::request_snapshot()
{
    __atomic_store_n(&m_snapshot_requested, true, __ATOMIC_RELEASE);
    m_snapshot_wakeup.signal();
}

ErrorOr<GenerationInfo> PersistentAddressSpace::shutdown()
{
    stop_snapshot_thread();
    return snapshot();
}

void PersistentAddressSpace::snapshot_thread_entry(void* argument)
{
    static_cast<PersistentAddressSpace*>(argument)->run_snapshot_thread();
}

void PersistentAddressSpace::run_snapshot_thread()
{
    {
        Hal::MutexLocker locker(m_snapshot_mutex);
        prepare_space();
    }
    u64 next_ns = Hal::monotonic_nanoseconds() + m_options.snapshot_interval_ns;
    while (!__atomic_load_n(&m_stopping, __ATOMIC_ACQUIRE)) {
        (void)m_snapshot_wakeup.wait(next_ns);
        if (__atomic_load_n(&m_stopping, __ATOMIC_ACQUIRE))
            break;
        bool requested = __atomic_exchange_n(&m_snapshot_requested, false, __ATOMIC_ACQ_REL);
        if (!requested && Hal::monotonic_nanoseconds() < next_ns)
            continue;
        // A failure is logged by take_snapshot(); the world keeps running on the last commit.
        (void)snapshot();
        next_ns = Hal::monotonic_nanoseconds() + m_options.snapshot_interval_ns;
    }
}

void PersistentAddressSpace::prepare_space()
{
    // Called with m_snapshot_mutex held, so no commit runs meanwhile. The page maps are read
    // while the world runs and faults read pages: the scan only reads (the store allows
    // that), and only installing its result needs the store to itself.
    if (m_store->is_space_ready())
        return;
    u64 start_ns = Hal::monotonic_nanoseconds();
    auto scan = m_store->scan_space();
    if (scan.is_error()) {
        // The first snapshot scans again and reports the failure if it persists.
        logln("free space not known yet ({})", scan.error());
        return;
    }
    lock_store();
    auto adopted = m_store->adopt_space(*scan.value());
    unlock_store();
    if (adopted.is_error()) {
        logln("free space not known yet ({})", adopted.error());
        return;
    }
    logln("page maps checked and free space known in {} ms",
        (Hal::monotonic_nanoseconds() - start_ns) / Hal::nanoseconds_per_millisecond);
}

ErrorOr<void> PersistentAddressSpace::start_snapshot_thread()
{
    Hal::ThreadOptions thread_options;
    thread_options.name = "snapshot"sv;
    thread_options.priority = Hal::ThreadPriority::High;
    m_snapshot_thread = TRY(Hal::create_thread(snapshot_thread_entry, this, thread_options));
    return {};
}

void PersistentAddressSpace::stop_snapshot_thread()
{
    if (!m_snapshot_thread)
        return;
    __atomic_store_n(&m_stopping, true, __ATOMIC_RELEASE);
    m_snapshot_wakeup.signal();
    Hal::join_thread(m_snapshot_thread);
    m_snapshot_thread = nullptr;
}

} // namespace Persist
