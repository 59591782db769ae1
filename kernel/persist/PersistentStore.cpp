/*
 * kernel/persist/PersistentStore.cpp: opening a world (choosing the newest healthy
 * generation, rebuilding free space), reading pages of any kept generation, and committing
 * snapshots copy-on-write with the FLUSH / superblock / FLUSH protocol.
 */
#include <base/HashMap.h>
#include <base/Log.h>
#include <kernel/hal/Memory.h>
#include <kernel/persist/PersistentStore.h>

namespace Persist {

static_assert(Hal::page_size == disk_block_size && Hal::block_size == disk_block_size);

namespace {

    constexpr u8 data_level = 0xFF;

    u64 digit_of(u64 page_index, u8 level)
    {
        u64 divisor = 1;
        for (u8 i = 0; i < level; ++i)
            divisor *= node_fanout;
        return (page_index / divisor) % node_fanout;
    }

    // Checks everything about a superblock that can be checked without reading other blocks.
    bool is_valid_superblock(Superblock const& superblock)
    {
        if (superblock.magic != superblock_magic || superblock.version != format_version)
            return false;
        if (superblock.checksum
            != block_checksum(reinterpret_cast<u8 const*>(&superblock), superblock_checksum_offset))
            return false;
        if (superblock.record_count == 0 || superblock.record_count > maximum_kept_generations)
            return false;
        for (u32 i = 1; i < superblock.record_count; ++i) {
            if (superblock.records[i].generation >= superblock.records[i - 1].generation)
                return false;
        }
        return true;
    }

    ErrorOr<void> insert_sorted(Vector<GenerationRecord>& records, GenerationRecord const& record)
    {
        for (usize i = 0; i < records.size(); ++i) {
            if (records[i].generation == record.generation)
                return {};
            if (records[i].generation < record.generation)
                return records.try_insert(i, GenerationRecord(record));
        }
        return records.try_append(record);
    }

} // namespace

struct PersistentStore::WalkScratch {
    NodeBlock nodes[page_map_depth];
    u8 page[disk_block_size];
};

PersistentStore::PersistentStore(Hal::BlockDevice& device, u32 kept_generations)
    : m_device(device)
    , m_kept_generations(kept_generations)
{ }

PersistentStore::~PersistentStore() = default;

ErrorOr<void> PersistentStore::format(Hal::BlockDevice& device, u32 kept_generations)
{
    if (kept_generations == 0 || kept_generations > maximum_kept_generations)
        return Error::with_message(
            ErrorCode::InvalidArgument, "The number of kept generations must be 1 to 64."sv);
    if (device.block_count() < first_allocatable_block + 4)
        return Error::with_message(ErrorCode::NoSpace, "The disk is too small for a Phantom world."sv);
    auto superblock = TRY(try_make<Superblock>());
    superblock->magic = superblock_magic;
    superblock->version = format_version;
    superblock->disk_block_count = device.block_count();
    superblock->kept_generations = kept_generations;
    superblock->record_count = 1;
    superblock->checksum
        = block_checksum(reinterpret_cast<u8 const*>(superblock.ptr()), superblock_checksum_offset);
    for (u64 slot = 0; slot < superblock_slot_count; ++slot)
        TRY(device.transfer(Hal::BlockOperation::Write, slot, 1, superblock.ptr()));
    TRY(device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr));
    return {};
}

ErrorOr<NonnullOwnPtr<PersistentStore>> PersistentStore::open(
    Hal::BlockDevice& device, OpenOptions const& options)
{
    if (options.kept_generations == 0 || options.kept_generations > maximum_kept_generations)
        return Error::with_message(
            ErrorCode::InvalidArgument, "The number of kept generations must be 1 to 64."sv);
    auto store = TRY(
        adopt_nonnull_own_or_enomem(new (std::nothrow) PersistentStore(device, options.kept_generations)));
    auto superblock = TRY(try_make<Superblock>());
    bool any_magic = false;
    bool any_valid = false;
    u64 highest_generation = 0;
    for (u64 slot = 0; slot < superblock_slot_count; ++slot) {
        if (auto result = device.transfer(Hal::BlockOperation::Read, slot, 1, superblock.ptr());
            result.is_error()) {
            logln("persist: superblock {} cannot be read ({}); using the other one", slot, result.error());
            continue;
        }
        if (superblock->magic == superblock_magic)
            any_magic = true;
        if (!is_valid_superblock(*superblock)) {
            if (superblock->magic == superblock_magic)
                logln("persist: superblock {} is damaged (bad checksum or structure); using the other one",
                    slot);
            continue;
        }
        any_valid = true;
        auto& state = store->m_slots[slot];
        state.valid = true;
        for (u32 i = 0; i < superblock->record_count; ++i)
            TRY(state.records.try_append(superblock->records[i]));
        if (superblock->records[0].generation >= highest_generation)
            store->m_recorded_kept_generations = superblock->kept_generations;
        highest_generation = max(highest_generation, superblock->records[0].generation);
    }
    if (!any_magic)
        return Error::with_message(
            ErrorCode::InvalidFormat, "The disk holds no Phantom world; format it first."sv);
    if (!any_valid)
        return Error::with_message(ErrorCode::Corrupted,
            "Both superblocks of the disk are damaged; no generation can be trusted."sv);
    store->m_next_generation = highest_generation + 1;

    // Deferred: only the root of the generation to boot is checked now (below); otherwise
    // every page map is read and checked, which also yields the free space.
    if (options.verification != Verification::Deferred)
        TRY(store->rebuild_free_space());
    auto forget_damaged = [&] { MUST(store->forget_damaged(store->m_damaged.span())); };

    // Choose the boot generation: the requested one, or the newest healthy one that also
    // passes the full check when asked for.
    for (;;) {
        Optional<GenerationRecord> chosen;
        if (options.boot_generation.has_value()) {
            chosen = store->find_record(*options.boot_generation);
            if (!chosen.has_value())
                return Error::with_message(ErrorCode::NotFound,
                    "The requested generation is not kept on this disk or is damaged."sv);
        } else {
            for (auto const& state : store->m_slots) {
                for (auto const& record : state.records) {
                    if (!chosen.has_value() || record.generation > chosen->generation)
                        chosen = record;
                }
            }
            if (!chosen.has_value())
                return Error::with_message(
                    ErrorCode::Corrupted, "Every generation on the disk is damaged; none can be booted."sv);
        }
        if (options.verification == Verification::Deferred && chosen->root_block != 0) {
            auto root = TRY(try_make<NodeBlock>());
            if (auto result
                = store->read_node(chosen->root_block, chosen->root_checksum, page_map_depth - 1, *root);
                result.is_error()) {
                if (result.error().code() != ErrorCode::Corrupted || options.boot_generation.has_value())
                    return result.release_error();
                logln("persist: generation {} is damaged ({}); falling back to an older one",
                    chosen->generation, result.error());
                TRY(store->m_damaged.try_append(chosen->generation));
                forget_damaged();
                continue;
            }
        }
        if (options.verification == Verification::Everything) {
            if (auto result = store->verify_generation(chosen->generation); result.is_error()) {
                logln("persist: generation {} is damaged ({}); falling back to an older one",
                    chosen->generation, result.error());
                TRY(store->m_damaged.try_append(chosen->generation));
                forget_damaged();
                if (options.boot_generation.has_value())
                    return result.release_error();
                continue;
            }
        }
        store->m_boot = *chosen;
        break;
    }

    // Write over the slot that does not hold the newest superblock listing the boot
    // generation, so a torn commit leaves that superblock intact.
    Optional<u64> source_slot;
    for (u64 slot = 0; slot < superblock_slot_count; ++slot) {
        auto const& state = store->m_slots[slot];
        bool lists_boot = false;
        for (auto const& record : state.records)
            lists_boot = lists_boot || record.generation == store->m_boot.generation;
        if (!lists_boot)
            continue;
        if (!source_slot.has_value()
            || state.records[0].generation > store->m_slots[*source_slot].records[0].generation)
            source_slot = slot;
    }
    VERIFY(source_slot.has_value());
    store->m_write_slot = static_cast<u32>(1 - *source_slot);
    // A generation dropped by the full check still has its blocks marked; start exact.
    if (options.verification == Verification::Everything && !store->m_damaged.is_empty())
        TRY(store->rebuild_free_space());
    return store;
}

GenerationInfo PersistentStore::info_of(GenerationRecord const& record)
{
    return {record.generation, record.wall_time_ns, record.pages_written, record.page_count, record.pause_ns};
}

Optional<GenerationRecord> PersistentStore::find_record(u64 generation) const
{
    for (auto const& state : m_slots) {
        for (auto const& record : state.records) {
            if (record.generation == generation)
                return record;
        }
    }
    return {};
}

ErrorOr<Vector<GenerationRecord>> PersistentStore::protected_records() const
{
    Vector<GenerationRecord> records;
    for (auto const& state : m_slots) {
        for (auto const& record : state.records)
            TRY(insert_sorted(records, record));
    }
    return records;
}

ErrorOr<Vector<GenerationInfo>> PersistentStore::generations() const
{
    auto records = TRY(protected_records());
    Vector<GenerationInfo> infos;
    TRY(infos.try_ensure_capacity(records.size()));
    for (auto const& record : records)
        TRY(infos.try_append(info_of(record)));
    return infos;
}

ErrorOr<void> PersistentStore::read_block(u32 block, void* buffer) const
{
    return m_device.transfer(Hal::BlockOperation::Read, block, 1, buffer);
}

ErrorOr<void> PersistentStore::read_node(u32 block, u32 checksum, u8 level, NodeBlock& node) const
{
    if (block >= m_device.block_count() || block < first_allocatable_block)
        return Error::with_message(ErrorCode::Corrupted, "A page-map entry points outside the disk."sv);
    TRY(read_block(block, &node));
    u32 actual = block_checksum(reinterpret_cast<u8 const*>(&node), node_checksum_offset);
    if (node.magic != node_magic || node.checksum != actual || actual != checksum || node.level != level) {
        logln("persist: page-map node at block {} failed its checksum or structure check", block);
        return Error::with_message(ErrorCode::Corrupted,
            "A page-map block failed its checksum; the generation "
            "that uses it is damaged and an older one must be used."sv);
    }
    return {};
}

ErrorOr<void> PersistentStore::walk_node(BlockAllocator& allocator, u32 block, u32 checksum, u8 level,
    Verification verification, WalkScratch& scratch) const
{
    if (block == 0)
        return {};
    // Blocks are never rewritten while a protected generation references them, so a block
    // already walked has the same content and was already checked.
    if (allocator.is_used(block)) {
        if (block < first_allocatable_block || block >= allocator.block_count())
            return Error::with_message(ErrorCode::Corrupted, "A page-map entry points outside the disk."sv);
        return {};
    }
    if (level == data_level) {
        if (verification == Verification::Everything) {
            TRY(read_block(block, scratch.page));
            if (crc32c(ReadonlyBytes(scratch.page, disk_block_size)) != checksum) {
                logln("persist: data page at block {} failed its checksum", block);
                return Error::with_message(ErrorCode::Corrupted,
                    "A page failed its checksum; the generation that "
                    "holds it is damaged and an older one must be used."sv);
            }
        }
        allocator.mark_used(block);
        return {};
    }
    auto& node = scratch.nodes[level];
    TRY(read_node(block, checksum, level, node));
    for (u32 i = 0; i < node_fanout; ++i) {
        // The child's walk reuses the scratch node of its own level, so copy the entry first.
        NodeEntry entry = node.entries[i];
        TRY(walk_node(allocator, entry.block, entry.checksum,
            level == 0 ? data_level : static_cast<u8>(level - 1), verification, scratch));
    }
    // Marked only once the whole subtree is good, so another generation sharing a damaged
    // subtree finds the damage too.
    allocator.mark_used(block);
    return {};
}

ErrorOr<void> PersistentStore::verify_generation(u64 generation) const
{
    auto record = find_record(generation);
    if (!record.has_value())
        return Error::with_message(ErrorCode::NotFound, "That generation is not kept on this disk."sv);
    BlockAllocator visited;
    TRY(visited.reset(m_device.block_count()));
    auto scratch = TRY(try_make<WalkScratch>());
    return walk_node(visited, record->root_block, record->root_checksum, page_map_depth - 1,
        Verification::Everything, *scratch);
}

ErrorOr<bool> PersistentStore::read_page(u64 generation, u64 page_index, Bytes out) const
{
    VERIFY(out.size() == disk_block_size);
    auto record = find_record(generation);
    if (!record.has_value())
        return Error::with_message(ErrorCode::NotFound, "That generation is not kept on this disk."sv);
    if (page_index >= maximum_page_count)
        return Error::with_message(
            ErrorCode::OutOfRange, "The page index is beyond the persistent address space."sv);
    auto node = TRY(try_make<NodeBlock>());
    NodeEntry entry {record->root_block, record->root_checksum};
    for (int level = page_map_depth - 1; level >= 0 && entry.block != 0; --level) {
        TRY(read_node(entry.block, entry.checksum, static_cast<u8>(level), *node));
        entry = node->entries[digit_of(page_index, static_cast<u8>(level))];
    }
    if (entry.block == 0) {
        __builtin_memset(out.data(), 0, out.size());
        return false;
    }
    if (entry.block >= m_device.block_count() || entry.block < first_allocatable_block)
        return Error::with_message(ErrorCode::Corrupted, "A page-map entry points outside the disk."sv);
    TRY(read_block(entry.block, out.data()));
    if (crc32c(ReadonlyBytes(out.data(), out.size())) != entry.checksum) {
        logln("persist: page {} of generation {} failed its checksum (block {})", page_index, generation,
            entry.block);
        return Error::with_message(ErrorCode::Corrupted,
            "A page failed its checksum; the generation that holds it "
            "is damaged and an older one must be used."sv);
    }
    return true;
}

ErrorOr<void> PersistentStore::collect_indexes(
    u32 block, u32 checksum, u8 level, u64 first_index, Vector<u64>& indexes) const
{
    auto node = TRY(try_make<NodeBlock>());
    TRY(read_node(block, checksum, level, *node));
    u64 span = 1;
    for (u8 i = 0; i < level; ++i)
        span *= node_fanout;
    for (u32 i = 0; i < node_fanout; ++i) {
        auto entry = node->entries[i];
        if (entry.block == 0)
            continue;
        if (level == 0)
            TRY(indexes.try_append(first_index + i));
        else
            TRY(collect_indexes(
                entry.block, entry.checksum, static_cast<u8>(level - 1), first_index + i * span, indexes));
    }
    return {};
}

ErrorOr<Vector<u64>> PersistentStore::page_indices(u64 generation) const
{
    auto record = find_record(generation);
    if (!record.has_value())
        return Error::with_message(ErrorCode::NotFound, "That generation is not kept on this disk."sv);
    Vector<u64> indexes;
    if (record->root_block != 0)
        TRY(collect_indexes(record->root_block, record->root_checksum, page_map_depth - 1, 0, indexes));
    return indexes;
}

ErrorOr<GenerationInfo> PersistentStore::commit_snapshot(
    Span<DirtyPage const> pages, SnapshotOptions const& options)
{
    auto pending = TRY(begin_snapshot());
    TRY(pending->add(pages));
    return commit_snapshot(*pending, options);
}

ErrorOr<GenerationInfo> PersistentStore::roll_back_to(u64 generation, SnapshotOptions const& options)
{
    auto record = find_record(generation);
    if (!record.has_value())
        return Error::with_message(ErrorCode::NotFound, "That generation is not kept on this disk."sv);
    return commit(*record, {}, options);
}

} // namespace Persist
