/*
 * kernel/persist/SnapshotWriter.cpp: PersistentStore::commit(), the write side of a
 * snapshot. The page map is copied on write: only the leaves holding dirty pages and the
 * nodes above them are rewritten, to free blocks, so the cost follows the dirty pages and
 * not the size of the world. Order: data pages and nodes, FLUSH, superblock, FLUSH.
 */
#include <base/HashMap.h>
#include <base/Log.h>
#include <kernel/persist/PersistentStore.h>

namespace Persist {

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

    static u64 key_of(u8 level, u64 index) { return (static_cast<u64>(level) << 56) | index; }

    // The node at `level` covering `index` (numbered within its level), read from the base
    // generation or made empty, and from now on modifiable.
    ErrorOr<NodeBlock*> ensure_node(u8 level, u64 index)
    {
        if (auto existing = m_nodes.get(key_of(level, index)); existing.has_value())
            return *existing;
        NodeEntry source {m_base.root_block, m_base.root_checksum};
        if (level < page_map_depth - 1) {
            auto* parent = TRY(ensure_node(static_cast<u8>(level + 1), index / node_fanout));
            source = parent->entries[index % node_fanout];
        }
        auto* node = new (std::nothrow) NodeBlock;
        if (!node)
            return Error(ErrorCode::OutOfMemory);
        if (auto result = m_nodes.try_set(key_of(level, index), node); result.is_error()) {
            delete node;
            return result.release_error();
        }
        if (source.block != 0) {
            TRY(m_store.read_node(source.block, source.checksum, level, *node));
        } else {
            __builtin_memset(node, 0, sizeof(*node));
            node->magic = node_magic;
            node->level = level;
        }
        return node;
    }

    // Writes every changed node of `level` and points its parent (or the root) at it.
    ErrorOr<void> write_level(u8 level, NodeEntry& root)
    {
        for (auto& entry : m_nodes) {
            if ((entry.key >> 56) != level)
                continue;
            u64 index = entry.key & ((1ull << 56) - 1);
            NodeBlock& node = *entry.value;
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
                TRY(m_store.write_block(written.block, &node));
            }
            if (level == page_map_depth - 1) {
                root = written;
            } else {
                auto parent = m_nodes.get(key_of(static_cast<u8>(level + 1), index / node_fanout));
                VERIFY(parent.has_value());
                (*parent)->entries[index % node_fanout] = written;
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

private:
    PersistentStore& m_store;
    GenerationRecord m_base;
    HashMap<u64, NodeBlock*> m_nodes;
    Vector<u32> m_taken;
};

ErrorOr<GenerationInfo> PersistentStore::commit(
    GenerationRecord const& base, Span<DirtyPage const> pages, SnapshotOptions const& options)
{
    SnapshotBuilder builder(*this, base);
    GenerationRecord record {};
    record.generation = m_next_generation;
    record.wall_time_ns = options.wall_time_ns;
    record.pause_ns = options.pause_ns;
    record.page_count = base.page_count;
    NodeEntry root {base.root_block, base.root_checksum};

    auto write_content = [&]() -> ErrorOr<void> {
        for (auto const& page : pages) {
            if (page.index >= maximum_page_count)
                return Error::with_message(
                    ErrorCode::OutOfRange, "A dirty page lies beyond the persistent address space."sv);
            auto* leaf = TRY(builder.ensure_node(0, page.index / node_fanout));
            NodeEntry& entry = leaf->entries[page.index % node_fanout];
            bool was_present = entry.block != 0;
            if (page.content) {
                u32 block = TRY(builder.take_block());
                TRY(write_block(block, page.content));
                entry = {block, crc32c(ReadonlyBytes(page.content, disk_block_size))};
                ++record.pages_written;
                if (!was_present)
                    ++record.page_count;
            } else {
                entry = {0, 0};
                if (was_present)
                    --record.page_count;
            }
        }
        if (builder.has_root()) {
            for (u8 level = 0; level < page_map_depth; ++level)
                TRY(builder.write_level(level, root));
        }
        // Everything the superblock will point at must be durable before it is written.
        TRY(m_device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr));
        return {};
    };
    if (auto result = write_content(); result.is_error()) {
        builder.release_taken();
        logln("persist: snapshot gen={} failed ({}); generation {} stays committed", record.generation,
            result.error(), m_boot.generation);
        return result.release_error();
    }
    record.root_block = root.block;
    record.root_checksum = root.checksum;

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
    if (auto result = rebuild_free_space(); result.is_error())
        logln("persist: free space could not be recomputed ({}); old blocks stay reserved", result.error());
    return info_of(record);
}

} // namespace Persist
