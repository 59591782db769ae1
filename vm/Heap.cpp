/*
 * vm/Heap.cpp: formatting and attaching heap images, allocation (exact-size free lists for
 * small chunks, a first-fit list for large ones, a bump pointer for never-used space), the
 * root table, handles and statistics. The collector itself is in GcMark.cpp and GcSweep.cpp.
 */
#include <base/StdLibExtras.h>
#include <kernel/hal/Time.h>
#include <vm/GcMetadata.h>
#include <vm/Heap.h>

namespace VM {

static constexpr u64 page_size = 4096;

static u64 align_up(u64 value, u64 alignment) { return (value + alignment - 1) & ~(alignment - 1); }

Handle::Handle(Heap& heap, Value value)
    : m_heap(heap)
    , m_value(value)
    , m_previous(heap.m_last_handle)
{
    if (m_previous)
        m_previous->m_next = this;
    heap.m_last_handle = this;
}

Handle::~Handle()
{
    if (m_previous)
        m_previous->m_next = m_next;
    if (m_next)
        m_next->m_previous = m_previous;
    else
        m_heap.m_last_handle = m_previous;
}

Heap::Heap(void* base, usize size, HeapOptions options)
    : m_metadata(static_cast<HeapMetadata*>(base))
    , m_base(base)
    , m_size(size)
    , m_options(options)
{ }

ErrorOr<NonnullOwnPtr<Heap>> Heap::make_heap(void* base, usize size, HeapOptions options)
{
    return adopt_nonnull_own_or_enomem(new (std::nothrow) Heap(base, size, options));
}

Heap::~Heap()
{
    // Handles outliving their heap would write into freed memory when they go away.
    VERIFY(m_last_handle == nullptr);
}

ErrorOr<NonnullOwnPtr<Heap>> Heap::create(void* base, usize size, HeapOptions options)
{
    if (base == nullptr || (address_of(base) % page_size) != 0)
        return Error::with_message(
            ErrorCode::InvalidArgument, "The heap range must start on a 4 KiB boundary."sv);
    if (size < minimum_size)
        return Error::with_message(
            ErrorCode::InvalidArgument, "The heap range is too small (at least 64 KiB)."sv);
    size &= ~(page_size - 1);

    u64 start = address_of(base);
    u64 work_list_bytes = clamp<u64>(align_up(size / 128, page_size), page_size, 16 * 1024 * 1024);
    auto heap = TRY(make_heap(base, size, options));
    auto* metadata = heap->m_metadata;
    __builtin_memset(static_cast<void*>(metadata), 0, heap_metadata_size);
    metadata->magic = heap_image_magic;
    metadata->version = heap_image_version;
    metadata->header_size = sizeof(ObjectHeader);
    metadata->base = start;
    metadata->size = size;
    metadata->work_list_start = start + heap_metadata_size;
    metadata->work_list_end = metadata->work_list_start + work_list_bytes;
    metadata->objects_start = metadata->work_list_end;
    metadata->objects_end = start + size;
    metadata->bump = metadata->objects_start;
    metadata->phase = GcPhase::Idle;
    metadata->current_white = GcBits::white0;
    heap->update_trigger();
    return heap;
}

ErrorOr<NonnullOwnPtr<Heap>> Heap::attach(void* base, usize size, HeapOptions options)
{
    if (base == nullptr || (address_of(base) % page_size) != 0 || size < minimum_size)
        return Error::with_message(ErrorCode::InvalidArgument, "The heap range is not a valid heap range."sv);
    auto const* metadata = static_cast<HeapMetadata const*>(base);
    u64 start = address_of(base);
    auto invalid = [](StringView message) { return Error::with_message(ErrorCode::InvalidFormat, message); };
    if (metadata->magic != heap_image_magic)
        return invalid("This memory does not hold a Phantom heap image (bad magic)."sv);
    if (metadata->version != heap_image_version || metadata->header_size != sizeof(ObjectHeader))
        return invalid("The heap image was written by another heap format version."sv);
    if (metadata->base != start)
        return invalid(
            "The heap image was made at another address; it must be mapped where it was created."sv);
    if (metadata->size != (size & ~(page_size - 1)))
        return invalid("The heap image size does not match the range it is attached to."sv);
    u64 end = start + metadata->size;
    bool layout_ok = metadata->work_list_start == start + heap_metadata_size
        && metadata->work_list_end > metadata->work_list_start && metadata->work_list_end % page_size == 0
        && metadata->objects_start == metadata->work_list_end && metadata->objects_end == end
        && metadata->bump >= metadata->objects_start && metadata->bump <= end
        && metadata->bump % heap_granule_size == 0;
    if (!layout_ok)
        return invalid("The heap image's layout fields are inconsistent."sv);
    bool state_ok = static_cast<u8>(metadata->phase) <= static_cast<u8>(GcPhase::Sweep)
        && (metadata->current_white == GcBits::white0 || metadata->current_white == GcBits::white1)
        && metadata->grey_count + metadata->special_count <= work_list_capacity(metadata)
        && (metadata->phase != GcPhase::Sweep
            || (metadata->sweep_cursor >= metadata->objects_start && metadata->sweep_cursor <= metadata->bump
                && metadata->sweep_cursor % heap_granule_size == 0))
        && metadata->bytes_in_use <= metadata->objects_end - metadata->objects_start;
    if (!state_ok)
        return invalid("The heap image's collector state is inconsistent."sv);
    for (u32 list = 0; list < free_list_count; ++list) {
        u64 head = metadata->free_lists[list];
        if (head == 0)
            continue;
        if (head < metadata->objects_start || head >= metadata->bump || head % heap_granule_size != 0
            || chunk_at(head)->kind != ObjectKind::Free)
            return invalid("The heap image's free lists point outside the object area."sv);
    }
    for (auto root : metadata->roots) {
        if (root.is_object()
            && (root.bits() < metadata->objects_start || root.bits() >= metadata->bump
                || root.bits() % 8 != 0))
            return invalid("The heap image's root table points outside the object area."sv);
    }
    auto heap = TRY(make_heap(base, metadata->size, options));
    heap->m_marking = metadata->phase == GcPhase::Mark;
    heap->update_trigger();
    return heap;
}

bool Heap::contains(void const* address) const
{
    u64 value = address_of(address);
    return value >= m_metadata->objects_start && value < m_metadata->bump;
}

Value Heap::root(u32 index) const
{
    VERIFY(index < root_count);
    return m_metadata->roots[index];
}

void Heap::set_root(u32 index, Value value)
{
    VERIFY(index < root_count);
    m_metadata->roots[index] = value;
    // The root table is rescanned when marking finishes; shading now only saves work then.
    if (m_marking)
        shade(value);
}

ErrorOr<void> Heap::add_root_scanner(RootScanner& scanner)
{
    TRY(m_scanners.try_append(&scanner));
    return {};
}

void Heap::remove_root_scanner(RootScanner& scanner)
{
    m_scanners.remove_all_matching([&](RootScanner* entry) { return entry == &scanner; });
}

HeapStatistics Heap::statistics() const
{
    auto const* metadata = m_metadata;
    HeapStatistics statistics;
    statistics.capacity_bytes = metadata->objects_end - metadata->objects_start;
    statistics.bytes_in_use = metadata->bytes_in_use;
    statistics.object_count = metadata->object_count;
    statistics.free_bytes = statistics.capacity_bytes - metadata->bytes_in_use;
    statistics.live_bytes_after_last_collection = metadata->live_after_last_cycle;
    statistics.collections = metadata->collections;
    statistics.allocations = metadata->allocations;
    statistics.longest_pause_nanoseconds = metadata->longest_pause_nanoseconds;
    statistics.total_pause_nanoseconds = metadata->total_pause_nanoseconds;
    statistics.pauses = metadata->pauses;
    statistics.phase = metadata->phase;
    return statistics;
}

ObjectHeader* Heap::first_chunk() const
{
    if (m_metadata->objects_start >= m_metadata->bump)
        return nullptr;
    return chunk_at(m_metadata->objects_start);
}

ObjectHeader* Heap::next_chunk(ObjectHeader* chunk) const
{
    u64 next = address_of(chunk) + static_cast<u64>(chunk->chunk_granules) * heap_granule_size;
    return next < m_metadata->bump ? chunk_at(next) : nullptr;
}

bool Heap::is_live_object(ObjectHeader const* object) const
{
    if (object->kind == ObjectKind::Free)
        return false;
    // While sweeping, objects ahead of the sweeper that kept the old white are garbage.
    if (m_metadata->phase == GcPhase::Sweep && address_of(object) >= m_metadata->sweep_cursor) {
        u8 white = object->gc_bits & GcBits::whites;
        if (white != 0 && white != m_metadata->current_white)
            return false;
    }
    return true;
}

void Heap::push_free_chunk(ObjectHeader* chunk, u64 granules)
{
    chunk->kind = ObjectKind::Free;
    chunk->chunk_granules = static_cast<u32>(granules);
    chunk->slot_count = 0;
    chunk->byte_count = 0;
    chunk->gc_bits = 0;
    chunk->flags = 0;
    u32 list = free_list_for(granules);
    chunk->klass = Value::from_bits(m_metadata->free_lists[list]);
    m_metadata->free_lists[list] = address_of(chunk);
}

void Heap::give_back_remainder(ObjectHeader* chunk, u64 granules)
{
    u64 available = chunk->chunk_granules;
    if (available - granules >= minimum_chunk_granules) {
        chunk->chunk_granules = static_cast<u32>(granules);
        push_free_chunk(chunk_at(address_of(chunk) + granules * heap_granule_size), available - granules);
    }
}

ObjectHeader* Heap::take_from_bump(u64 granules)
{
    u64 bytes = granules * heap_granule_size;
    if (m_metadata->objects_end - m_metadata->bump < bytes)
        return nullptr;
    auto* chunk = chunk_at(m_metadata->bump);
    m_metadata->bump += bytes;
    chunk->chunk_granules = static_cast<u32>(granules);
    return chunk;
}

ObjectHeader* Heap::take_free_chunk(u64 granules)
{
    auto* metadata = m_metadata;
    if (granules < exact_free_list_count) {
        if (u64 head = metadata->free_lists[granules]) {
            auto* chunk = chunk_at(head);
            metadata->free_lists[granules] = chunk->klass.bits();
            return chunk;
        }
        if (auto* chunk = take_from_bump(granules))
            return chunk;
        // Split a larger exact-size chunk, leaving a remainder that is itself usable.
        for (u64 larger = granules + minimum_chunk_granules; larger < exact_free_list_count; ++larger) {
            if (u64 head = metadata->free_lists[larger]) {
                auto* chunk = chunk_at(head);
                metadata->free_lists[larger] = chunk->klass.bits();
                give_back_remainder(chunk, granules);
                return chunk;
            }
        }
    }
    // Large: first fit in the request's own size range, then any chunk of a larger range
    // (all of which are big enough).
    for (u32 list = free_list_for(max<u64>(granules, exact_free_list_count)); list < free_list_count;
         ++list) {
        u64* link = &metadata->free_lists[list];
        while (*link) {
            auto* chunk = chunk_at(*link);
            if (chunk->chunk_granules == granules
                || chunk->chunk_granules >= granules + minimum_chunk_granules) {
                *link = chunk->klass.bits();
                give_back_remainder(chunk, granules);
                return chunk;
            }
            link = reinterpret_cast<u64*>(&chunk->klass);
        }
    }
    if (granules >= exact_free_list_count)
        return take_from_bump(granules);
    return nullptr;
}

ErrorOr<ObjectHeader*> Heap::allocate_chunk(u64 granules)
{
    if (auto* chunk = take_free_chunk(granules))
        return chunk;
    // Out of ready memory: finish the running cycle (the sweep refills the lists), then try a
    // whole new collection before giving up.
    if (!m_in_collector) {
        finish_cycle();
        if (auto* chunk = take_free_chunk(granules))
            return chunk;
        collect();
        if (auto* chunk = take_free_chunk(granules))
            return chunk;
    }
    return Error::with_message(ErrorCode::OutOfMemory,
        "The VM heap is full: the live objects do not leave room for this allocation."sv);
}

void Heap::note_pause(u64 started)
{
    u64 pause = Hal::monotonic_nanoseconds() - started;
    m_metadata->pauses++;
    m_metadata->total_pause_nanoseconds += pause;
    m_metadata->longest_pause_nanoseconds = max(m_metadata->longest_pause_nanoseconds, pause);
}

void Heap::run_work(u64 work_bytes)
{
    auto* metadata = m_metadata;
    if (metadata->phase == GcPhase::Mark) {
        u64 done = mark_some(work_bytes);
        work_bytes = done >= work_bytes ? 0 : work_bytes - done;
        if (metadata->grey_count == 0 && !metadata->grey_overflow)
            finish_marking();
    }
    if (metadata->phase == GcPhase::Sweep && work_bytes > 0)
        sweep_some(work_bytes);
}

void Heap::update_trigger()
{
    auto const* metadata = m_metadata;
    u64 free_bytes = (metadata->objects_end - metadata->objects_start) - metadata->bytes_in_use;
    u64 trigger = max(
        m_options.minimum_trigger_bytes, metadata->live_after_last_cycle / 100 * m_options.trigger_percent);
    // A nearly full heap starts early so that the cycle ends before memory runs out.
    m_trigger_bytes = min(trigger, free_bytes / 2);
}

bool Heap::collector_work_due(u64 bytes)
{
    if (m_in_collector)
        return false;
    if (m_options.stress == GcStress::Yes)
        return true;
    auto* metadata = m_metadata;
    if (metadata->phase == GcPhase::Idle)
        return metadata->allocated_since_cycle + bytes >= m_trigger_bytes;
    metadata->work_debt += bytes * m_options.work_per_allocated_byte;
    return metadata->work_debt >= m_options.step_work_bytes;
}

void Heap::do_collector_work()
{
    if (m_options.stress == GcStress::Yes) {
        collect();
        return;
    }
    u64 started = Hal::monotonic_nanoseconds();
    m_in_collector = true;
    if (m_metadata->phase == GcPhase::Idle)
        start_cycle();
    else
        run_work(exchange(m_metadata->work_debt, 0));
    m_in_collector = false;
    note_pause(started);
}

ErrorOr<ObjectHeader*> Heap::allocate(Value klass, ObjectKind kind, u32 slot_count, u32 byte_count)
{
    VERIFY(kind != ObjectKind::Free);
    u64 granules
        = max(object_size_in_bytes(slot_count, byte_count) / heap_granule_size, minimum_chunk_granules);
    if (granules > maximum_chunk_granules
        || granules * heap_granule_size > m_metadata->objects_end - m_metadata->objects_start)
        return Error::with_message(ErrorCode::OutOfMemory, "The object is larger than the whole VM heap."sv);

    // Collector work runs before the chunk is carved, so the new object is never seen half
    // made; only the class needs protecting meanwhile.
    if (collector_work_due(granules * heap_granule_size)) [[unlikely]] {
        Handle klass_handle(*this, klass);
        do_collector_work();
        klass = klass_handle.value();
    }
    ObjectHeader* chunk = take_free_chunk(granules);
    if (!chunk) [[unlikely]] {
        Handle klass_handle(*this, klass);
        chunk = TRY(allocate_chunk(granules));
        klass = klass_handle.value();
    }

    auto* metadata = m_metadata;
    u64 chunk_bytes = static_cast<u64>(chunk->chunk_granules) * heap_granule_size;
    __builtin_memset(
        reinterpret_cast<u8*>(chunk) + sizeof(ObjectHeader), 0, chunk_bytes - sizeof(ObjectHeader));
    chunk->klass = klass;
    chunk->slot_count = slot_count;
    chunk->byte_count = byte_count;
    chunk->kind = kind;
    chunk->flags = 0;
    // While marking, new objects are black (they survive this cycle) except Stack and Weak
    // objects, whose slots the collector must see when marking finishes.
    if (metadata->phase == GcPhase::Mark && kind != ObjectKind::Stack && kind != ObjectKind::Weak) {
        chunk->gc_bits = GcBits::black;
        shade(klass);
    } else {
        chunk->gc_bits = metadata->current_white;
    }
    metadata->bytes_in_use += chunk_bytes;
    metadata->object_count++;
    metadata->allocations++;
    metadata->allocated_since_cycle += chunk_bytes;
    return chunk;
}

void Heap::collect()
{
    if (m_in_collector)
        return;
    u64 started = Hal::monotonic_nanoseconds();
    m_in_collector = true;
    // A cycle already under way may have kept objects that died since it began.
    while (m_metadata->phase != GcPhase::Idle)
        run_work(~static_cast<u64>(0));
    start_cycle();
    while (m_metadata->phase != GcPhase::Idle)
        run_work(~static_cast<u64>(0));
    m_in_collector = false;
    note_pause(started);
}

void Heap::finish_cycle()
{
    if (m_in_collector || m_metadata->phase == GcPhase::Idle)
        return;
    u64 started = Hal::monotonic_nanoseconds();
    m_in_collector = true;
    while (m_metadata->phase != GcPhase::Idle)
        run_work(~static_cast<u64>(0));
    m_in_collector = false;
    note_pause(started);
}

void Heap::step(u64 work_bytes)
{
    if (m_in_collector)
        return;
    u64 started = Hal::monotonic_nanoseconds();
    m_in_collector = true;
    if (m_metadata->phase == GcPhase::Idle)
        start_cycle();
    run_work(work_bytes);
    m_in_collector = false;
    note_pause(started);
}

} // namespace VM
