/*
 * vm/Heap.h: the VM heap: allocation from an address range, the garbage collector, the
 * root table and the handles native code uses to keep values alive.
 *
 *     auto heap = TRY(Heap::create(base, size, {}));           // formats the range
 *     auto* point = TRY(heap->allocate(point_class, ObjectKind::Instance, 2, 0));
 *     heap->write(point, 0, Value::integer(3));                  // every slot store
 *     heap->set_root(0, Value::object(point));                   // survives restarts
 *     auto again = TRY(Heap::attach(base, size));                // the same image later
 *
 * All metadata (free lists, collector state and work lists, the root table, statistics)
 * lives inside the range, so an image copied and mapped again at the same address is a
 * complete heap. The collector is an incremental, non-moving tri-colour mark-sweep with a
 * Dijkstra insertion write barrier; docs/vm.md says why. The heap is not thread-safe: the
 * VM lets one thread at a time use it (VM threads are switched at safepoints).
 *
 * Rules for code that holds Values in C++ (natives, the interpreter, the loader):
 * - Any allocation may run a collector step. A Value that lives only in a C++ local across an
 *   allocation must be registered: a Handle (RAII), a RootScanner, or the root table.
 * - Every store into a slot of a heap object goes through write() (or write_class() for the
 *   class word). Stores into a Stack object's slots are the one exception: Stack objects are
 *   rescanned when marking finishes.
 * - Slot 0 of a Weak object is weak: it becomes nil when its target is collected. Its other
 *   slots are ordinary references.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/OwnPtr.h>
#include <base/Span.h>
#include <base/Types.h>
#include <base/Vector.h>
#include <vm/Value.h>

namespace VM {

enum class GcStress : u8 {
    No,
    Yes, // a full collection before every allocation: finds missing handles in tests
};

struct HeapOptions {
    GcStress stress {GcStress::No};
    // A cycle starts when the bytes allocated since the last one exceed this percentage of the
    // bytes that survived it (or minimum_trigger_bytes, whichever is larger).
    u32 trigger_percent {100};
    u64 minimum_trigger_bytes {1024 * 1024};
    // Incremental pacing: each byte allocated during a cycle pays for this many bytes of
    // marking or sweeping work, so marking always outruns allocation.
    u32 work_per_allocated_byte {4};
    // Steps are taken when this much work has accumulated (keeps per-step overhead low).
    u64 step_work_bytes {64 * 1024};
};

enum class GcPhase : u8 {
    Idle,
    Mark,
    Sweep,
};

struct HeapStatistics {
    u64 capacity_bytes {0}; // size of the object area
    u64 bytes_in_use {0};   // chunks holding objects (live or not yet swept)
    u64 object_count {0};   // objects in those chunks
    u64 free_bytes {0};     // capacity not in use
    u64 live_bytes_after_last_collection {0};
    u64 collections {0}; // completed cycles
    u64 allocations {0}; // objects ever allocated
    u64 longest_pause_nanoseconds {0};
    u64 total_pause_nanoseconds {0};
    u64 pauses {0}; // incremental steps and finishing pauses
    GcPhase phase {GcPhase::Idle};
};

// Receives each root a scanner reports. The reference may be rewritten (hot reload replaces
// objects that changed shape), so scanners pass the place the Value is stored.
class RootVisitor {
public:
    virtual void visit(Value& value) = 0;

protected:
    ~RootVisitor() = default;
};

// Reports values the heap cannot find by itself (the VM's native locals, host-side caches).
class RootScanner {
public:
    virtual void scan_roots(RootVisitor&) = 0;

protected:
    ~RootScanner() = default;
};

class Heap;

// Keeps one Value alive while it exists (a C++ local in native code). Handles are host-side
// and nest like the C++ scopes that hold them.
class Handle {
public:
    Handle(Heap&, Value = Value::nil());
    ~Handle();
    Handle(Handle const&) = delete;
    Handle& operator=(Handle const&) = delete;

    [[nodiscard]] Value value() const { return m_value; }
    [[nodiscard]] ObjectHeader* object() const { return m_value.as_object(); }
    void set(Value value) { m_value = value; }

private:
    friend class Heap;
    Heap& m_heap;
    Value m_value;
    Handle* m_previous {nullptr};
    Handle* m_next {nullptr};
};

struct HeapMetadata;

class Heap {
public:
    // Slots of the persistent root table.
    static constexpr u32 root_count = 32;
    // The smallest range create() accepts.
    static constexpr usize minimum_size = 64 * 1024;

    // Formats [base, base + size) as an empty heap. The range must be writable and 4 KiB aligned.
    static ErrorOr<NonnullOwnPtr<Heap>> create(void* base, usize size, HeapOptions = {});
    // Adopts a heap image formatted earlier at this same address; rejects anything else.
    static ErrorOr<NonnullOwnPtr<Heap>> attach(void* base, usize size, HeapOptions = {});
    ~Heap();

    // A new object whose slots are nil and bytes zero. May run collector work.
    ErrorOr<ObjectHeader*> allocate(Value klass, ObjectKind, u32 slot_count, u32 byte_count);

    // Stores a reference into a slot (the write barrier).
    void write(ObjectHeader* object, u32 slot, Value value)
    {
        VERIFY(slot < object->slot_count);
        object->slots()[slot] = value;
        if (m_marking) [[unlikely]]
            barrier(object, value);
    }
    // Stores the class word (the class is a reference the collector follows).
    void write_class(ObjectHeader* object, Value klass)
    {
        object->klass = klass;
        if (m_marking) [[unlikely]]
            barrier(object, klass);
    }

    // The persistent root table (the VM keeps its root object here).
    [[nodiscard]] Value root(u32 index) const;
    void set_root(u32 index, Value);

    [[nodiscard]] ErrorOr<void> add_root_scanner(RootScanner&);
    void remove_root_scanner(RootScanner&);

    // A complete collection now: finishes any running cycle, then runs a whole new one.
    void collect();
    // Finishes the running cycle, if any (marking and sweeping).
    void finish_cycle();
    // Does up to `work_bytes` of incremental work now (idle time); starts a cycle if none runs.
    void step(u64 work_bytes);

    [[nodiscard]] HeapStatistics statistics() const;
    [[nodiscard]] HeapOptions const& options() const { return m_options; }
    void set_stress(GcStress stress) { m_options.stress = stress; }

    [[nodiscard]] void* base() const { return m_base; }
    [[nodiscard]] usize size() const { return m_size; }
    // True if the address lies in the object area of this heap.
    [[nodiscard]] bool contains(void const* address) const;

    // Walks every object and checks headers and references; for tests and image tools.
    [[nodiscard]] ErrorOr<void> verify() const;

    // Calls callback(ObjectHeader*) for every live object (free chunks and garbage not yet
    // swept are skipped). The callback must not allocate.
    template<typename Callback> void for_each_object(Callback callback)
    {
        for (auto* object = first_chunk(); object; object = next_chunk(object)) {
            if (is_live_object(object))
                callback(object);
        }
    }

    // Rewrites every reference to `from` (in objects, the root table, handles and scanners'
    // roots) into `to`. Hot reload uses it to replace objects that changed shape; it touches
    // the whole heap, so it is for rare operations run at a safepoint.
    void replace_references(Value from, Value to);
    // The same for many pairs in one walk: `from` sorted by Value::bits(), `to` parallel to it.
    void replace_references(Span<Value const> from, Span<Value const> to);

private:
    Heap(void* base, usize size, HeapOptions);
    static ErrorOr<NonnullOwnPtr<Heap>> make_heap(void* base, usize size, HeapOptions);
    friend class Handle;
    friend class GcMarker;

    void barrier(ObjectHeader* object, Value value);
    [[nodiscard]] ObjectHeader* first_chunk() const;
    [[nodiscard]] ObjectHeader* next_chunk(ObjectHeader*) const;
    [[nodiscard]] bool is_live_object(ObjectHeader const*) const;
    [[nodiscard]] ErrorOr<void> verify_colours(Vector<u64> const& chunk_starts) const;

    ErrorOr<ObjectHeader*> allocate_chunk(u64 granules);
    ObjectHeader* take_free_chunk(u64 granules);
    ObjectHeader* take_from_bump(u64 granules);
    void give_back_remainder(ObjectHeader* chunk, u64 granules);
    void push_free_chunk(ObjectHeader* chunk, u64 granules);
    bool collector_work_due(u64 bytes);
    void update_trigger();
    void do_collector_work();
    void run_work(u64 work_bytes);
    void note_pause(u64 started);

    // The collector (vm/GcMark.cpp, vm/GcSweep.cpp).
    void start_cycle();
    u64 mark_some(u64 work_bytes);
    void finish_marking();
    u64 sweep_some(u64 work_bytes);
    void shade(Value);
    void push_grey(ObjectHeader*);
    u64 scan_object(ObjectHeader*);
    void scan_host_roots();
    void drain_grey();
    void recover_overflow();
    void clear_dead_weak_references();
    void remember_special(ObjectHeader*);

    HeapMetadata* m_metadata {nullptr};
    void* m_base {nullptr};
    usize m_size {0};
    HeapOptions m_options;
    bool m_marking {false};
    bool m_in_collector {false};
    // Bytes allocated after which an idle heap starts a cycle (from the last cycle's result).
    u64 m_trigger_bytes {0};
    Handle* m_last_handle {nullptr};
    Vector<RootScanner*> m_scanners;
};

} // namespace VM
