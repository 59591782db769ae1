/*
 * vm/GcSweep.cpp: the sweeping half of the incremental collector.
 *
 * The sweeper walks the object area in address order behind a cursor kept in the image.
 * Objects that kept the old white are garbage; runs of garbage and free chunks merge into
 * one free chunk (a run that reaches the bump pointer gives the space back to it). Survivors
 * get the current white for the next cycle. Objects allocated while sweeping already carry
 * the current white, so the sweeper keeps them.
 */
#include <base/StdLibExtras.h>
#include <vm/GcMetadata.h>
#include <vm/Heap.h>

namespace VM {

// The work one chunk costs the sweeper (in the units of HeapOptions::step_work_bytes).
static constexpr u64 sweep_work_per_chunk = 32;

u64 Heap::sweep_some(u64 work_bytes)
{
    auto* metadata = m_metadata;
    VERIFY(metadata->phase == GcPhase::Sweep);
    u64 cursor = metadata->sweep_cursor;
    u64 run_start = 0;
    u64 run_granules = 0;
    auto close_run = [&] {
        if (run_granules == 0)
            return;
        if (run_start + run_granules * heap_granule_size == metadata->bump)
            metadata->bump = run_start;
        else
            push_free_chunk(chunk_at(run_start), run_granules);
        run_start = 0;
        run_granules = 0;
    };

    u64 done = 0;
    u8 current_white = metadata->current_white;
    while (cursor < metadata->bump && done < work_bytes) {
        auto* chunk = chunk_at(cursor);
        u64 granules = chunk->chunk_granules;
        VERIFY(granules >= minimum_chunk_granules);
        u8 white = chunk->gc_bits & GcBits::whites;
        bool is_free = chunk->kind == ObjectKind::Free;
        bool is_garbage = !is_free && white != 0 && white != current_white;
        if (is_free || is_garbage) {
            if (is_garbage) {
                metadata->bytes_in_use -= granules * heap_granule_size;
                metadata->object_count--;
            }
            if (run_granules + granules > maximum_chunk_granules)
                close_run();
            if (run_granules == 0)
                run_start = cursor;
            run_granules += granules;
        } else {
            close_run();
            chunk->gc_bits = static_cast<u8>((chunk->gc_bits & ~GcBits::colours) | current_white);
        }
        cursor += granules * heap_granule_size;
        done += sweep_work_per_chunk;
    }
    // The bump pointer may drop below the cursor when the last run is given back to it.
    close_run();
    metadata->sweep_cursor = min(cursor, metadata->bump);

    if (metadata->sweep_cursor >= metadata->bump) {
        metadata->phase = GcPhase::Idle;
        metadata->live_after_last_cycle = metadata->bytes_in_use;
        metadata->collections++;
        metadata->work_debt = 0;
        metadata->allocated_since_cycle = 0;
        update_trigger();
    }
    return done;
}

} // namespace VM
