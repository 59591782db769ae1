/*
 * kernel/persist/BlockAllocator.cpp: the in-memory free-block bitmap of the snapshot writer.
 */
#include <kernel/persist/BlockAllocator.h>
#include <kernel/persist/DiskFormat.h>

namespace Persist {

ErrorOr<void> BlockAllocator::reset(u64 block_count)
{
    // Block numbers are stored as u32 on disk.
    if (block_count > 0xFFFF'FFFFull)
        block_count = 0xFFFF'FFFFull;
    m_bits.clear();
    TRY(m_bits.try_resize((block_count + 63) / 64));
    for (auto& word : m_bits)
        word = 0;
    m_block_count = block_count;
    m_used_count = 0;
    m_cursor = first_allocatable_block;
    for (u32 block = 0; block < first_allocatable_block && block < block_count; ++block)
        mark_used(block);
    return {};
}

void BlockAllocator::mark_used(u32 block)
{
    VERIFY(block < m_block_count);
    u64& word = m_bits[block / 64];
    u64 bit = 1ull << (block % 64);
    if (!(word & bit)) {
        word |= bit;
        ++m_used_count;
    }
}

void BlockAllocator::release(u32 block)
{
    VERIFY(block >= first_allocatable_block && block < m_block_count);
    u64& word = m_bits[block / 64];
    u64 bit = 1ull << (block % 64);
    VERIFY(word & bit);
    word &= ~bit;
    --m_used_count;
}

bool BlockAllocator::is_used(u32 block) const
{
    if (block >= m_block_count)
        return true;
    return m_bits[block / 64] & (1ull << (block % 64));
}

ErrorOr<u32> BlockAllocator::allocate()
{
    if (free_block_count() == 0)
        return Error::with_message(ErrorCode::NoSpace,
            "The disk is full: the snapshot was not taken and the "
            "previous generation stays committed; use a larger disk."sv);
    // Searching on from the last allocation spreads writes and keeps a snapshot's blocks together.
    for (u64 scanned = 0; scanned < m_block_count; ++scanned) {
        if (m_cursor >= m_block_count)
            m_cursor = first_allocatable_block;
        u64 block = m_cursor++;
        if ((block % 64) == 0 && m_bits[block / 64] == ~0ull && block + 64 <= m_block_count) {
            m_cursor = block + 64;
            scanned += 63;
            continue;
        }
        if (!is_used(static_cast<u32>(block))) {
            mark_used(static_cast<u32>(block));
            return static_cast<u32>(block);
        }
    }
    VERIFY_NOT_REACHED();
}

} // namespace Persist
