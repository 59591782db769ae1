/*
 * vm/HeapVerify.cpp: whole-heap operations: verify() checks every chunk header, every
 * reference and the free lists of an image (tests and image tools use it after attach);
 * replace_references() rewrites references from one object to another (hot reload).
 */
#include <base/StdLibExtras.h>
#include <base/Vector.h>
#include <vm/GcMetadata.h>
#include <vm/Heap.h>

namespace VM {

ErrorOr<void> Heap::verify() const
{
    auto const* metadata = m_metadata;
    auto corrupt = [](StringView message) { return Error::with_message(ErrorCode::Corrupted, message); };
    u64 start = metadata->objects_start;
    u64 granule_count = (metadata->bump - start) / heap_granule_size;

    // One bit per granule that starts a chunk, so references can be checked to hit a header.
    Vector<u64> chunk_starts;
    TRY(chunk_starts.try_resize((granule_count + 63) / 64));
    u64 bytes_in_use = 0;
    u64 object_count = 0;
    u64 cursor = start;
    while (cursor < metadata->bump) {
        auto const* chunk = chunk_at(cursor);
        if (chunk->chunk_granules < minimum_chunk_granules)
            return corrupt("A heap chunk has a size smaller than a header."sv);
        u64 bytes = static_cast<u64>(chunk->chunk_granules) * heap_granule_size;
        if (bytes > metadata->bump - cursor)
            return corrupt("A heap chunk runs past the end of the used object area."sv);
        if (static_cast<u8>(chunk->kind) >= object_kind_count)
            return corrupt("A heap object has an unknown kind."sv);
        if (chunk->kind != ObjectKind::Free) {
            if (object_size_in_bytes(chunk->slot_count, chunk->byte_count) > bytes)
                return corrupt("A heap object is larger than its chunk."sv);
            bytes_in_use += bytes;
            object_count++;
        }
        u64 granule = (cursor - start) / heap_granule_size;
        chunk_starts[granule / 64] |= static_cast<u64>(1) << (granule % 64);
        cursor += bytes;
    }
    if (bytes_in_use != metadata->bytes_in_use || object_count != metadata->object_count)
        return corrupt("The heap's statistics do not match its objects."sv);

    auto is_valid_reference = [&](Value value) {
        if (!value.is_object())
            return true;
        u64 address = value.bits();
        if (address < start || address >= metadata->bump || address % heap_granule_size != 0)
            return false;
        u64 granule = (address - start) / heap_granule_size;
        if (!(chunk_starts[granule / 64] & (static_cast<u64>(1) << (granule % 64))))
            return false;
        // Garbage the sweeper has not reached yet is as dead as a free chunk.
        return is_live_object(chunk_at(address));
    };
    for (auto* chunk = first_chunk(); chunk; chunk = next_chunk(chunk)) {
        if (!is_live_object(chunk))
            continue;
        if (!is_valid_reference(chunk->klass))
            return corrupt("A heap object's class word is not a reference to an object."sv);
        for (u32 index = 0; index < chunk->slot_count; ++index) {
            if (!is_valid_reference(chunk->slots()[index]))
                return corrupt("A heap object's slot holds a reference to no object."sv);
        }
    }
    for (auto root : metadata->roots) {
        if (!is_valid_reference(root))
            return corrupt("The root table holds a reference to no object."sv);
    }
    // A cycle under way: its work lists and the sweeper's position must name real chunks.
    if (metadata->phase == GcPhase::Mark) {
        u64 const* entries = reinterpret_cast<u64 const*>(static_cast<FlatPtr>(metadata->work_list_start));
        u64 capacity = work_list_capacity(metadata);
        for (u64 index = 0; index < metadata->grey_count; ++index) {
            if (!Value::from_bits(entries[index]).is_object()
                || !is_valid_reference(Value::from_bits(entries[index])))
                return corrupt("The collector's grey list names no object."sv);
        }
        for (u64 index = 0; index < metadata->special_count; ++index) {
            Value entry = Value::from_bits(entries[capacity - 1 - index]);
            if (!entry.is_object() || !is_valid_reference(entry))
                return corrupt("The collector's list of stacks and weak references names no object."sv);
        }
    }
    if (metadata->phase == GcPhase::Sweep && metadata->sweep_cursor < metadata->bump) {
        u64 granule = (metadata->sweep_cursor - start) / heap_granule_size;
        if (!(chunk_starts[granule / 64] & (static_cast<u64>(1) << (granule % 64))))
            return corrupt("The sweeper's position is not at the start of a chunk."sv);
    }

    TRY(verify_colours(chunk_starts));

    for (u32 list = 0; list < free_list_count; ++list) {
        u64 steps = 0;
        for (u64 entry = metadata->free_lists[list]; entry; entry = chunk_at(entry)->klass.bits()) {
            u64 granule = (entry - start) / heap_granule_size;
            if (entry < start || entry >= metadata->bump || entry % heap_granule_size != 0
                || ++steps > granule_count
                || !(chunk_starts[granule / 64] & (static_cast<u64>(1) << (granule % 64))))
                return corrupt("A free list leaves the object area, misses a chunk or loops."sv);
            auto const* chunk = chunk_at(entry);
            if (chunk->kind != ObjectKind::Free)
                return corrupt("A free list holds a chunk that is in use."sv);
            if (free_list_for(chunk->chunk_granules) != list)
                return corrupt("A free chunk is on the list of another size."sv);
        }
    }
    return {};
}

// What the collector's invariants promise about colours in each phase: between cycles every
// object has the current white; while sweeping, objects behind the sweeper have it and the
// rest are white or black; while marking, grey objects are on the grey list (or marked as
// overflowed), and no black object other than a Stack refers to a white one (the write
// barrier's promise; slot 0 of a Weak object does not count).
ErrorOr<void> Heap::verify_colours(Vector<u64> const& chunk_starts) const
{
    auto const* metadata = m_metadata;
    auto corrupt = [](StringView message) { return Error::with_message(ErrorCode::Corrupted, message); };
    u64 start = metadata->objects_start;
    u8 current = metadata->current_white;
    Vector<u64> grey_listed;
    if (metadata->phase == GcPhase::Mark) {
        TRY(grey_listed.try_resize(chunk_starts.size()));
        u64 const* entries = reinterpret_cast<u64 const*>(static_cast<FlatPtr>(metadata->work_list_start));
        for (u64 index = 0; index < metadata->grey_count; ++index) {
            u64 granule = (entries[index] - start) / heap_granule_size;
            grey_listed[granule / 64] |= static_cast<u64>(1) << (granule % 64);
        }
    }
    auto is_white = [&](Value value) {
        return value.is_object() && (value.as_object()->gc_bits & GcBits::whites) != 0;
    };
    for (auto* chunk = first_chunk(); chunk; chunk = next_chunk(chunk)) {
        if (chunk->kind == ObjectKind::Free)
            continue;
        u8 colour = chunk->gc_bits & GcBits::colours;
        bool overflowed = (chunk->gc_bits & GcBits::overflowed) != 0;
        switch (metadata->phase) {
        case GcPhase::Idle:
            if (colour != current || overflowed)
                return corrupt("An object has a collector colour it cannot have between cycles."sv);
            break;
        case GcPhase::Sweep:
            if (overflowed
                || (colour != GcBits::white0 && colour != GcBits::white1 && colour != GcBits::black)
                || (address_of(chunk) < metadata->sweep_cursor && colour != current))
                return corrupt("An object has a collector colour it cannot have while sweeping."sv);
            break;
        case GcPhase::Mark: {
            if (colour != current && colour != 0 && colour != GcBits::black)
                return corrupt("An object has a collector colour it cannot have while marking."sv);
            u64 granule = (address_of(chunk) - start) / heap_granule_size;
            if (colour == 0 && !overflowed
                && !(grey_listed[granule / 64] & (static_cast<u64>(1) << (granule % 64))))
                return corrupt("A grey object is on no work list."sv);
            if (colour != GcBits::black || chunk->kind == ObjectKind::Stack)
                break;
            if (is_white(chunk->klass))
                return corrupt("A black object's class is white: a store missed the write barrier."sv);
            for (u32 index = chunk->kind == ObjectKind::Weak ? 1 : 0; index < chunk->slot_count; ++index) {
                if (is_white(chunk->slots()[index]))
                    return corrupt(
                        "A black object refers to a white one: a store missed the write barrier."sv);
            }
            break;
        }
        }
    }
    return {};
}

namespace {

    // Where `value` is in the sorted `from` list, or -1.
    isize find_replaced(Span<Value const> from, Value value)
    {
        if (!value.is_object() || from.is_empty() || value.bits() < from[0].bits()
            || value.bits() > from[from.size() - 1].bits())
            return -1;
        usize low = 0;
        usize high = from.size();
        while (low < high) {
            usize middle = low + (high - low) / 2;
            if (from[middle].bits() < value.bits())
                low = middle + 1;
            else
                high = middle;
        }
        return low < from.size() && from[low] == value ? static_cast<isize>(low) : -1;
    }

    class ReplacingVisitor final : public RootVisitor {
    public:
        ReplacingVisitor(Span<Value const> from, Span<Value const> to)
            : m_from(from)
            , m_to(to)
        { }
        void visit(Value& value) override
        {
            if (auto index = find_replaced(m_from, value); index >= 0)
                value = m_to[static_cast<usize>(index)];
        }

    private:
        Span<Value const> m_from;
        Span<Value const> m_to;
    };

} // namespace

void Heap::replace_references(Value from, Value to)
{
    replace_references(Span<Value const>(&from, 1), Span<Value const>(&to, 1));
}

void Heap::replace_references(Span<Value const> from, Span<Value const> to)
{
    VERIFY(from.size() == to.size());
    for (usize index = 1; index < from.size(); ++index)
        VERIFY(from[index - 1].bits() < from[index].bits());
    auto replacement = [&](Value value, Value& result) {
        auto index = find_replaced(from, value);
        if (index < 0)
            return false;
        result = to[static_cast<usize>(index)];
        return true;
    };
    Value replaced;
    for (auto* chunk = first_chunk(); chunk; chunk = next_chunk(chunk)) {
        if (!is_live_object(chunk))
            continue;
        if (replacement(chunk->klass, replaced))
            write_class(chunk, replaced);
        for (u32 index = 0; index < chunk->slot_count; ++index) {
            if (replacement(chunk->slots()[index], replaced))
                write(chunk, index, replaced);
        }
    }
    for (u32 index = 0; index < root_count; ++index) {
        if (replacement(m_metadata->roots[index], replaced))
            set_root(index, replaced);
    }
    for (auto* handle = m_last_handle; handle; handle = handle->m_previous) {
        if (replacement(handle->m_value, replaced))
            handle->m_value = replaced;
    }
    ReplacingVisitor visitor(from, to);
    for (auto* scanner : m_scanners)
        scanner->scan_roots(visitor);
    // Stacks and host roots changed without a barrier; the finishing pause rescans them, and
    // the new objects are shaded so a cycle under way keeps them.
    if (m_marking) {
        for (auto value : to)
            shade(value);
    }
}

} // namespace VM
