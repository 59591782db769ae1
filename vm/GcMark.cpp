/*
 * vm/GcMark.cpp: the marking half of the incremental collector.
 *
 * A cycle starts by shading the roots (root table, handles, root scanners). Marking then
 * proceeds in steps paid for by allocation: pop a grey object, shade what its class word and
 * slots refer to, make it black. The write barrier (Heap::write) shades a white value stored
 * into a black object, so no black object ever points to a white one behind the collector's
 * back. Stack objects are written without a barrier; they are remembered when scanned and
 * rescanned, with the roots, in one short finishing pause, after which dead weak references
 * are cleared and the whites flip so the sweeper can recognise garbage.
 */
#include <vm/GcMetadata.h>
#include <vm/Heap.h>

namespace VM {

// Shades every root a scanner reports.
class GcMarker final : public RootVisitor {
public:
    explicit GcMarker(Heap& heap)
        : m_heap(heap)
    { }
    void visit(Value& value) override { m_heap.shade(value); }

private:
    Heap& m_heap;
};

void Heap::shade(Value value)
{
    if (!value.is_object())
        return;
    auto* object = value.as_object();
    // A reference outside the heap is a broken invariant (a missing handle, a host pointer).
    VERIFY(contains(object) && object->kind != ObjectKind::Free);
    if (object->gc_bits & GcBits::whites)
        push_grey(object);
}

void Heap::push_grey(ObjectHeader* object)
{
    auto* metadata = m_metadata;
    object->gc_bits &= static_cast<u8>(~GcBits::colours);
    if (metadata->grey_count + metadata->special_count < work_list_capacity(metadata)) {
        work_list(metadata)[metadata->grey_count++] = address_of(object);
        return;
    }
    // The grey stack is full: leave a mark in the header and find the object by a heap walk.
    object->gc_bits |= GcBits::overflowed;
    metadata->grey_overflow = 1;
}

void Heap::remember_special(ObjectHeader* object)
{
    auto* metadata = m_metadata;
    u64 capacity = work_list_capacity(metadata);
    if (metadata->grey_count + metadata->special_count < capacity) {
        metadata->special_count++;
        work_list(metadata)[capacity - metadata->special_count] = address_of(object);
        return;
    }
    metadata->special_overflow = 1;
}

u64 Heap::scan_object(ObjectHeader* object)
{
    shade(object->klass);
    u32 first_strong_slot = 0;
    if (object->kind == ObjectKind::Weak) {
        first_strong_slot = 1;
        remember_special(object);
    } else if (object->kind == ObjectKind::Stack) {
        remember_special(object);
    }
    Value* slots = object->slots();
    for (u32 index = first_strong_slot; index < object->slot_count; ++index)
        shade(slots[index]);
    object->gc_bits
        = static_cast<u8>((object->gc_bits & ~(GcBits::colours | GcBits::overflowed)) | GcBits::black);
    return sizeof(ObjectHeader) + static_cast<u64>(object->slot_count) * sizeof(Value);
}

void Heap::barrier(ObjectHeader* object, Value value)
{
    if (value.is_object() && (object->gc_bits & GcBits::black))
        shade(value);
}

void Heap::scan_host_roots()
{
    for (auto& root : m_metadata->roots)
        shade(root);
    for (auto* handle = m_last_handle; handle; handle = handle->m_previous)
        shade(handle->m_value);
    GcMarker marker(*this);
    for (auto* scanner : m_scanners)
        scanner->scan_roots(marker);
}

void Heap::start_cycle()
{
    auto* metadata = m_metadata;
    VERIFY(metadata->phase == GcPhase::Idle);
    metadata->phase = GcPhase::Mark;
    metadata->grey_count = 0;
    metadata->special_count = 0;
    metadata->grey_overflow = 0;
    metadata->special_overflow = 0;
    metadata->work_debt = 0;
    metadata->allocated_since_cycle = 0;
    m_marking = true;
    scan_host_roots();
}

void Heap::recover_overflow()
{
    while (m_metadata->grey_overflow) {
        m_metadata->grey_overflow = 0;
        for (auto* chunk = first_chunk(); chunk; chunk = next_chunk(chunk)) {
            if (chunk->kind != ObjectKind::Free && (chunk->gc_bits & GcBits::overflowed))
                scan_object(chunk);
        }
    }
}

u64 Heap::mark_some(u64 work_bytes)
{
    auto* metadata = m_metadata;
    u64 done = 0;
    while (done < work_bytes) {
        if (metadata->grey_count == 0) {
            if (!metadata->grey_overflow)
                break;
            recover_overflow();
            continue;
        }
        auto* object = chunk_at(work_list(metadata)[--metadata->grey_count]);
        // An object can be pushed once and then scanned through the overflow walk.
        if (object->gc_bits & GcBits::black)
            continue;
        done += scan_object(object);
    }
    return done;
}

void Heap::drain_grey()
{
    while (m_metadata->grey_count > 0 || m_metadata->grey_overflow)
        mark_some(~static_cast<u64>(0));
}

void Heap::clear_dead_weak_references()
{
    auto clear_if_dead = [](ObjectHeader* weak) {
        if (weak->kind != ObjectKind::Weak || weak->slot_count == 0)
            return;
        Value target = weak->slots()[0];
        if (target.is_object() && (target.as_object()->gc_bits & GcBits::whites))
            weak->slots()[0] = Value::nil();
    };
    auto* metadata = m_metadata;
    u64 capacity = work_list_capacity(metadata);
    for (u64 index = 0; index < metadata->special_count; ++index)
        clear_if_dead(chunk_at(work_list(metadata)[capacity - 1 - index]));
    if (metadata->special_overflow) {
        for (auto* chunk = first_chunk(); chunk; chunk = next_chunk(chunk)) {
            if (chunk->gc_bits & GcBits::black)
                clear_if_dead(chunk);
        }
    }
}

void Heap::finish_marking()
{
    auto* metadata = m_metadata;
    drain_grey();

    // Stacks changed without a barrier and host roots changed freely since they were scanned.
    auto rescan_stack = [this](ObjectHeader* stack) {
        if (stack->kind != ObjectKind::Stack)
            return;
        shade(stack->klass);
        for (u32 index = 0; index < stack->slot_count; ++index)
            shade(stack->slots()[index]);
    };
    u64 capacity = work_list_capacity(metadata);
    u64 remembered = metadata->special_count;
    scan_host_roots();
    for (u64 index = 0; index < remembered; ++index)
        rescan_stack(chunk_at(work_list(metadata)[capacity - 1 - index]));
    if (metadata->special_overflow) {
        for (auto* chunk = first_chunk(); chunk; chunk = next_chunk(chunk)) {
            if (chunk->gc_bits & GcBits::black)
                rescan_stack(chunk);
        }
    }
    drain_grey();

    clear_dead_weak_references();

    // Flip: whatever kept the old white is garbage; new objects get the other white.
    metadata->current_white = metadata->current_white == GcBits::white0 ? GcBits::white1 : GcBits::white0;
    metadata->phase = GcPhase::Sweep;
    m_marking = false;
    metadata->special_count = 0;
    metadata->special_overflow = 0;
    metadata->sweep_cursor = metadata->objects_start;
    // The sweeper finds every free chunk again (and merges neighbours), so the lists restart.
    for (auto& head : metadata->free_lists)
        head = 0;
}

} // namespace VM
