/*
 * kernel/persist/PersistentAddressSpace.h: the live side of persistent memory. A
 * PersistentAddressSpace (PAS) is a range reserved at a fixed virtual address (the same on
 * both ports, so object references are plain pointers) backed by a PersistentStore:
 *   - lazy restore: nothing is read at open; the first touch of a page faults, and the fault
 *     hook reads it from the newest committed generation and maps it filled and clean
 *     (Hal::map_filled; zeros when absent), blocking the faulting thread for the disk read;
 *   - snapshots: stop the mutator ThreadGroup at a safepoint, collect and write-protect the
 *     dirty pages, resume, then copy each page (copy-on-write when a mutator writes a page
 *     first) and commit through PersistentStore::commit_snapshot;
 *   - a periodic snapshot thread (default every 5 s) and snapshots on request.
 *
 *     Hal::ThreadGroup mutators;
 *     auto pas = TRY(PersistentAddressSpace::open(device, {.mutators = &mutators}));
 *     auto* root = reinterpret_cast<u64*>(pas->base()); // survives restarts
 *     auto info = TRY(pas->snapshot());
 *
 * Mutator threads must call Hal::safepoint() regularly. One PAS per base address. The PAS
 * is touched only from threads with interrupts on (never from an interrupt handler): a
 * first touch blocks for the disk.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/OwnPtr.h>
#include <base/Types.h>
#include <base/Vector.h>
#include <kernel/hal/Block.h>
#include <kernel/hal/Memory.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/persist/PersistentStore.h>

namespace Persist {

// Where the PAS lives on both ports: below the 47-bit user limit of hosted Linux and far
// from anything the pc kernel maps.
constexpr FlatPtr default_pas_base = 0x0000'1000'0000'0000;
// 64 GiB of address space; only touched pages cost memory, only dirty pages cost disk.
constexpr usize default_pas_size = static_cast<usize>(64) * 1024 * 1024 * 1024;
constexpr u64 default_snapshot_interval_ns = 5 * Hal::nanoseconds_per_second;

enum class FormatIfBlank : u8 {
    No,
    Yes,
};

struct AddressSpaceOptions {
    FlatPtr base {default_pas_base};
    usize size {default_pas_size};
    // The threads that write the PAS; stopped at a safepoint for each snapshot (may be null
    // when the caller guarantees no concurrent writer, e.g. in tests).
    Hal::ThreadGroup* mutators {nullptr};
    // Called on the snapshot's thread right before it stops the mutators, so that they can
    // come to a safepoint sooner than they would on their own (the world asks its VM to).
    void (*before_stop)(void* context) {nullptr};
    void* before_stop_context {nullptr};
    // 0: no periodic snapshot thread (snapshots only on request).
    u64 snapshot_interval_ns {default_snapshot_interval_ns};
    // Format a disk that was never formatted (a fresh world) instead of failing.
    FormatIfBlank format_if_blank {FormatIfBlank::Yes};
    // Deferred: resuming costs the same for any size of world; the snapshot thread reads and
    // checks the page maps in the background before its first snapshot.
    OpenOptions store {default_kept_generations, Verification::Deferred, {}};
};

struct AddressSpaceStatistics {
    u64 pages_restored {0};      // pages filled from disk by the fault hook
    u64 pages_zero_filled {0};   // first touches of pages absent from the store
    u64 copy_on_write_pages {0}; // pages copied by the fault hook during an in-flight snapshot
    u64 snapshots {0};
    u64 failed_snapshots {0};
};

class PersistentAddressSpace {
public:
    // Opens the store on `device`, reserves the range and installs the fault hook; logs
    // "resumed gen=<g> in <ms> ms" or "fresh world".
    [[nodiscard]] static ErrorOr<NonnullOwnPtr<PersistentAddressSpace>> open(
        Hal::BlockDevice&, AddressSpaceOptions const&);

    // Stops the snapshot thread and releases the range; takes no snapshot (see shutdown()).
    ~PersistentAddressSpace();
    PersistentAddressSpace(PersistentAddressSpace const&) = delete;
    PersistentAddressSpace& operator=(PersistentAddressSpace const&) = delete;

    FlatPtr base() const { return m_range.base; }
    usize size() const { return m_range.size; }
    template<typename T> T* at(usize offset) const { return reinterpret_cast<T*>(m_range.base + offset); }

    // Takes a snapshot now and waits for its commit. On failure (NoSpace, IoFailure) the
    // previous generation stays committed and the pages go into the next snapshot.
    [[nodiscard]] ErrorOr<GenerationInfo> snapshot();
    // Asks the periodic thread for a snapshot as soon as possible; does not wait.
    void request_snapshot();
    // The orderly shutdown: stops the periodic thread and takes a last snapshot.
    [[nodiscard]] ErrorOr<GenerationInfo> shutdown();

    // The newest committed generation (the one pages are restored from).
    u64 committed_generation() const { return __atomic_load_n(&m_committed_generation, __ATOMIC_ACQUIRE); }
    AddressSpaceStatistics statistics() const;
    // The store, for listing generations; not while a snapshot may run.
    PersistentStore& store() { return *m_store; }

private:
    struct InFlightPage;
    struct InFlightSnapshot;

    PersistentAddressSpace(NonnullOwnPtr<PersistentStore>, AddressSpaceOptions const&);

    static Hal::FaultResolution handle_fault(void* context, FlatPtr address, Hal::FaultAccess);
    Hal::FaultResolution restore_page(FlatPtr page);
    Hal::FaultResolution copy_on_write(FlatPtr page);

    ErrorOr<GenerationInfo> take_snapshot();
    ErrorOr<void> collect_dirty(InFlightSnapshot&);
    ErrorOr<void> write_pages(InFlightSnapshot&, PendingSnapshot*);

    void prepare_space();
    static void snapshot_thread_entry(void*);
    void run_snapshot_thread();
    ErrorOr<void> start_snapshot_thread();
    void stop_snapshot_thread();

    // Serializes the store between the fault hook (read_page) and the writer (commit).
    void lock_store() const;
    void unlock_store() const;

    NonnullOwnPtr<PersistentStore> m_store;
    AddressSpaceOptions m_options;
    Hal::VirtualRange m_range {};
    bool m_fault_handler_registered {false};

    // Serializes the store between the fault hook (read_page) and the snapshot writer
    // (commit_snapshot). A sleeping mutex: the fault hook may block (kernel/hal/Memory.h),
    // and on one processor a spinning high-priority writer would starve a restoring mutator
    // that holds the store while it waits for the disk.
    mutable Hal::Mutex m_store_mutex;
    // The page being restored, under m_store_mutex.
    u8* m_restore_buffer {nullptr};
    u64 m_committed_generation {0};
    // One past the highest page ever mapped: the span dirty tracking has to look at.
    usize m_mapped_page_limit {0};
    // Pages collected by a failed snapshot, owed to the next one.
    Vector<u64> m_unsaved;

    // The snapshot being written, read by the fault hook (null when none).
    InFlightSnapshot* m_in_flight {nullptr};
    // Fault hooks inside copy_on_write(): the writer waits for none before dropping a snapshot.
    u32 m_copy_on_write_handlers {0};
    Hal::Mutex m_snapshot_mutex;

    Hal::Thread* m_snapshot_thread {nullptr};
    Hal::Event m_snapshot_wakeup;
    bool m_stopping {false};
    bool m_snapshot_requested {false};

    u64 m_pages_restored {0};
    u64 m_pages_zero_filled {0};
    u64 m_copy_on_write_pages {0};
    u64 m_snapshots {0};
    u64 m_failed_snapshots {0};
};

} // namespace Persist
