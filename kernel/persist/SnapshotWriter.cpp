/*
 * kernel/persist/SnapshotWriter.cpp: PersistentStore::commit(), the write side of a
 * snapshot. The page map is copied on write: only the leaves holding dirty pages and the
 * nodes above them are rewritten, to free blocks, so the cost follows the dirty pages and
 * not the size of the world. Order: data pages and nodes, FLUSH, superblock, FLUSH.
 * Blocks are taken in ascending runs and written through a BlockBatch: consecutive blocks go
 * out as one request, and the next batch is filled while the previous one is on its way.
 * The blocks the new generation no longer references are recorded as dying (SpaceScan.cpp).
 */
#include <base/HashMap.h>
#include <base/Log.h>
#include <kernel/persist/PersistentStore.h>

namespace Persist {

// Writes blocks in runs: consecutive block numbers share one request, and two staging
// buffers let one request be in flight while the next run is gathered.
class BlockBatch {
public:
    explicit BlockBatch(Hal::BlockDevice& device)
        : m_device(device)
    { }

    ~BlockBatch()
    {
        for (auto& slot : m_slots) {
            if (slot.in_flight)
                (void)m_device.wait(slot.request);
            ::operator delete(slot.buffer);
        }
    }

    ErrorOr<void> initialize()
    {
        m_capacity = min<u32>(maximum_run, max<u32>(1, m_device.maximum_blocks_per_request()));
        for (auto& slot : m_slots) {
            slot.buffer = static_cast<u8*>(::operator new(m_capacity* disk_block_size, std::nothrow));
            if (!slot.buffer)
                return Error(ErrorCode::OutOfMemory);
        }
        return {};
    }

    ErrorOr<void> write(u32 block, void const* content)
    {
        auto* slot = &m_slots[m_current];
        if (slot->count != 0 && (block != slot->first + slot->count || slot->count == m_capacity)) {
            TRY(submit_current());
            slot = &m_slots[m_current];
        }
        if (slot->count == 0)
            slot->first = block;
        __builtin_memcpy(
            slot->buffer + static_cast<usize>(slot->count) * disk_block_size, content, disk_block_size);
        ++slot->count;
        return {};
    }

    // Submits what is gathered and waits for every request: all writes have completed.
    ErrorOr<void> finish()
    {
        TRY(submit_current());
        for (auto& slot : m_slots)
            TRY(wait_for(slot));
        return {};
    }

private:
    static constexpr u32 maximum_run = 64;

    struct Slot {
        u8* buffer {nullptr};
        u32 first {0};
        u32 count {0};
        bool in_flight {false};
        Hal::BlockRequest request;
    };

    ErrorOr<void> wait_for(Slot& slot)
    {
        if (!slot.in_flight)
            return {};
        slot.in_flight = false;
        return m_device.wait(slot.request);
    }

    ErrorOr<void> submit_current()
    {
        auto& slot = m_slots[m_current];
        if (slot.count == 0)
            return {};
        slot.request = {};
        slot.request.operation = Hal::BlockOperation::Write;
        slot.request.block = slot.first;
        slot.request.block_count = slot.count;
        slot.request.buffer = slot.buffer;
        slot.count = 0;
        TRY(m_device.submit(slot.request));
        slot.in_flight = true;
        // The other buffer is gathered next; its previous request must be done first.
        m_current = 1 - m_current;
        return wait_for(m_slots[m_current]);
    }

    Hal::BlockDevice& m_device;
    u32 m_capacity {1};
    Slot m_slots[2];
    u32 m_current {0};
};

// The nodes a snapshot changes, kept in memory until they are written.
class SnapshotBuilder {
public:
    SnapshotBuilder(PersistentStore& store, GenerationRecord const& base)
        : m_store(store)
        , m_base(base)
    { }

    ~SnapshotBuilder()
    {
        for (auto& entry : m_nodes)
            delete entry.value;
    }

    // A node of the new generation, with which of its entries this snapshot has set.
    struct Node {
        NodeBlock block;
        u64 modified[(node_fanout + 63) / 64] {};

        bool is_modified(u32 i) const { return modified[i / 64] & (1ull << (i % 64)); }
        void set_modified(u32 i) { modified[i / 64] |= 1ull << (i % 64); }
    };

    // Points entry `i` of leaf `node` at `replacement`. The block it pointed at leaves the new
    // generation: dying if the base generation used it, free again if this snapshot took it.
    ErrorOr<void> replace_leaf_entry(Node& node, u32 i, NodeEntry replacement)
    {
        NodeEntry previous = node.block.entries[i];
        node.block.entries[i] = replacement;
        bool from_base = !node.is_modified(i);
        node.set_modified(i);
        if (previous.block == 0)
            return {};
        if (!from_base) {
            m_store.m_allocator.release(previous.block);
            m_taken.remove_all_matching([&](u32 block) { return block == previous.block; });
            return {};
        }
        return m_replaced.try_append(previous.block);
    }

    static u64 key_of(u8 level, u64 index) { return (static_cast<u64>(level) << 56) | index; }

    // The node at `level` covering `index` (numbered within its level), read from the base
    // generation or made empty, and from now on modifiable.
    ErrorOr<Node*> ensure_node(u8 level, u64 index)
    {
        if (auto existing = m_nodes.get(key_of(level, index)); existing.has_value())
            return *existing;
        NodeEntry source {m_base.root_block, m_base.root_checksum};
        if (level < page_map_depth - 1) {
            auto* parent = TRY(ensure_node(static_cast<u8>(level + 1), index / node_fanout));
            source = parent->block.entries[index % node_fanout];
        }
        auto* node = new (std::nothrow) Node;
        if (!node)
            return Error(ErrorCode::OutOfMemory);
        if (auto result = m_nodes.try_set(key_of(level, index), node); result.is_error()) {
            delete node;
            return result.release_error();
        }
        if (source.block != 0) {
            TRY(m_store.read_node(source.block, source.checksum, level, node->block));
            // The node is rewritten elsewhere: its old block leaves the new generation.
            TRY(m_replaced.try_append(source.block));
        } else {
            __builtin_memset(&node->block, 0, sizeof(node->block));
            node->block.magic = node_magic;
            node->block.level = level;
        }
        return node;
    }

    // Writes every changed node of `level` and points its parent (or the root) at it.
    ErrorOr<void> write_level(u8 level, NodeEntry& root, BlockBatch& batch)
    {
        for (auto& entry : m_nodes) {
            if ((entry.key >> 56) != level)
                continue;
            u64 index = entry.key & ((1ull << 56) - 1);
            NodeBlock& node = entry.value->block;
            NodeEntry written {0, 0};
            bool empty = true;
            for (auto const& child : node.entries)
                empty = empty && child.block == 0;
            if (!empty) {
                written.block = TRY(take_block());
                node.magic = node_magic;
                node.level = level;
                node.checksum = 0;
                node.checksum = block_checksum(reinterpret_cast<u8 const*>(&node), node_checksum_offset);
                written.checksum = node.checksum;
                TRY(batch.write(written.block, &node));
            }
            if (level == page_map_depth - 1) {
                root = written;
            } else {
                auto parent = m_nodes.get(key_of(static_cast<u8>(level + 1), index / node_fanout));
                VERIFY(parent.has_value());
                (*parent)->block.entries[index % node_fanout] = written;
            }
        }
        return {};
    }

    ErrorOr<u32> take_block()
    {
        u32 block = TRY(m_store.m_allocator.allocate());
        if (auto result = m_taken.try_append(block); result.is_error()) {
            m_store.m_allocator.release(block);
            return result.release_error();
        }
        return block;
    }

    // Gives back every block this snapshot took (it will not be committed).
    void release_taken()
    {
        for (auto block : m_taken)
            m_store.m_allocator.release(block);
        m_taken.clear();
    }

    bool has_root() const { return m_nodes.contains(key_of(page_map_depth - 1, 0)); }

    // Blocks of the base generation that the new one no longer references.
    Span<u32 const> replaced() const { return m_replaced.span(); }

private:
    PersistentStore& m_store;
    GenerationRecord m_base;
    HashMap<u64, Node*> m_nodes;
    Vector<u32> m_taken;
    Vector<u32> m_replaced;
};

PendingSnapshot::PendingSnapshot(PersistentStore& store, GenerationRecord const& base)
    : m_store(store)
    , m_base(base)
{ }

PendingSnapshot::~PendingSnapshot()
{
    // Uncommitted: nothing references the blocks it took.
    if (!m_finished && m_builder)
        m_builder->release_taken();
}

ErrorOr<void> PendingSnapshot::add(Span<DirtyPage const> pages)
{
    VERIFY(!m_finished);
    if (m_failed)
        return Error::with_message(ErrorCode::InvalidArgument, "This snapshot already failed."sv);
    auto& builder = *m_builder;
    auto& batch = *m_batch;
    auto result = [&]() -> ErrorOr<void> {
        for (auto const& page : pages) {
            if (page.index >= maximum_page_count)
                return Error::with_message(
                    ErrorCode::OutOfRange, "A dirty page lies beyond the persistent address space."sv);
            auto* leaf = TRY(builder.ensure_node(0, page.index / node_fanout));
            u32 slot = static_cast<u32>(page.index % node_fanout);
            bool was_present = leaf->block.entries[slot].block != 0;
            if (page.content) {
                u32 block = TRY(builder.take_block());
                TRY(batch.write(block, page.content));
                TRY(builder.replace_leaf_entry(
                    *leaf, slot, {block, crc32c(ReadonlyBytes(page.content, disk_block_size))}));
                ++m_record.pages_written;
                if (!was_present)
                    ++m_record.page_count;
            } else {
                TRY(builder.replace_leaf_entry(*leaf, slot, {0, 0}));
                if (was_present)
                    --m_record.page_count;
            }
        }
        return {};
    }();
    if (result.is_error()) {
        m_failed = true;
        logln("persist: snapshot gen={} failed ({}); generation {} stays committed", m_record.generation,
            result.error(), m_store.m_boot.generation);
    }
    return result;
}

ErrorOr<NonnullOwnPtr<PendingSnapshot>> PersistentStore::begin_snapshot()
{
    if (m_boot_damaged)
        return Error::with_message(ErrorCode::Corrupted,
            "The generation this world was resumed from turned out damaged; no snapshot of it can "
            "be kept. Restart to continue from the last healthy generation."sv);
    return begin(m_boot);
}

ErrorOr<GenerationInfo> PersistentStore::commit_snapshot(
    PendingSnapshot& pending, SnapshotOptions const& options)
{
    VERIFY(&pending.m_store == this);
    return finish(pending, options);
}

ErrorOr<NonnullOwnPtr<PendingSnapshot>> PersistentStore::begin(GenerationRecord const& base)
{
    // Until every page map has been read, nobody knows which blocks are free.
    if (!m_space_ready)
        TRY(prepare_space());
    auto pending = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) PendingSnapshot(*this, base)));
    pending->m_builder = TRY(try_make<SnapshotBuilder>(*this, base));
    pending->m_batch = TRY(try_make<BlockBatch>(m_device));
    TRY(pending->m_batch->initialize());
    // On top of the newest generation the dying blocks follow from this commit alone; on top
    // of an older one (a roll-back) blocks may come back to life, so the space is scanned again.
    pending->m_on_newest = base.generation == newest_kept_generation();
    auto& record = pending->m_record;
    record.generation = m_next_generation;
    record.page_count = base.page_count;
    return pending;
}

ErrorOr<GenerationInfo> PersistentStore::commit(
    GenerationRecord const& base, Span<DirtyPage const> pages, SnapshotOptions const& options)
{
    auto pending = TRY(begin(base));
    TRY(pending->add(pages));
    return finish(*pending, options);
}

ErrorOr<GenerationInfo> PersistentStore::finish(PendingSnapshot& pending, SnapshotOptions const& options)
{
    VERIFY(!pending.m_finished);
    if (pending.m_failed)
        return Error::with_message(ErrorCode::InvalidArgument, "This snapshot already failed."sv);
    auto& builder = *pending.m_builder;
    auto& batch = *pending.m_batch;
    GenerationRecord record = pending.m_record;
    record.wall_time_ns = options.wall_time_ns;
    record.pause_ns = options.pause_ns;
    NodeEntry root {pending.m_base.root_block, pending.m_base.root_checksum};
    auto write_content = [&]() -> ErrorOr<void> {
        if (builder.has_root()) {
            for (u8 level = 0; level < page_map_depth; ++level)
                TRY(builder.write_level(level, root, batch));
        }
        TRY(batch.finish());
        // Everything the superblock will point at must be durable before it is written.
        TRY(m_device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr));
        return {};
    };
    if (auto result = write_content(); result.is_error()) {
        pending.m_failed = true;
        logln("persist: snapshot gen={} failed ({}); generation {} stays committed", record.generation,
            result.error(), m_boot.generation);
        return result.release_error();
    }
    record.root_block = root.block;
    record.root_checksum = root.checksum;
    // Whatever happens now, the blocks it took may be on disk as part of a generation.
    pending.m_finished = true;

    // The new superblock keeps the newest generations of the one it builds on.
    auto superblock = TRY(try_make<Superblock>());
    superblock->magic = superblock_magic;
    superblock->version = format_version;
    superblock->disk_block_count = m_device.block_count();
    superblock->kept_generations = m_kept_generations;
    Vector<GenerationRecord> records;
    TRY(records.try_append(record));
    for (auto const& kept : m_slots[1 - m_write_slot].records) {
        if (records.size() >= m_kept_generations)
            break;
        TRY(records.try_append(kept));
    }
    superblock->record_count = static_cast<u32>(records.size());
    for (usize i = 0; i < records.size(); ++i)
        superblock->records[i] = records[i];
    superblock->checksum
        = block_checksum(reinterpret_cast<u8 const*>(superblock.ptr()), superblock_checksum_offset);

    // From here on the new generation may be on disk even if a call fails: never reuse its
    // blocks until the next successful commit overwrites this slot, and never reuse its number.
    ++m_next_generation;
    auto commit_result = [&]() -> ErrorOr<void> {
        TRY(m_device.transfer(Hal::BlockOperation::Write, m_write_slot, 1, superblock.ptr()));
        TRY(m_device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr));
        return {};
    }();
    if (commit_result.is_error()) {
        m_slots[m_write_slot].valid = false;
        m_slots[m_write_slot].records.clear();
        logln("persist: snapshot gen={} failed at its commit ({}); generation {} stays committed",
            record.generation, commit_result.error(), m_boot.generation);
        return commit_result.release_error();
    }
    m_slots[m_write_slot].valid = true;
    m_slots[m_write_slot].records = move(records);
    m_boot = record;
    m_write_slot = 1 - m_write_slot;
    // Generations that fell out of the kept window give their blocks back.
    if (pending.m_on_newest) {
        for (auto block : builder.replaced()) {
            if (auto result = m_dying.try_set(block, record.generation); result.is_error()) {
                // Forgetting that a block dies only keeps it reserved until the next scan.
                logln("persist: a replaced block stays reserved ({})", result.error());
            }
        }
        release_dead_blocks();
    } else if (auto result = rebuild_free_space(); result.is_error()) {
        logln("persist: free space could not be recomputed ({}); old blocks stay reserved", result.error());
    }
    return info_of(record);
}

} // namespace Persist
