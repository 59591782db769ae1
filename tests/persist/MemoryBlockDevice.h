/*
 * tests/persist/MemoryBlockDevice.h: a Hal::BlockDevice in memory for the persist tests,
 * able to inject faults at one chosen operation (writes and flushes counted together):
 *   - Fail: that operation reports IoFailure and changes nothing; later ones work.
 *   - Tear: that write stores only a prefix of its block, then the machine "dies": every
 *     later operation fails and changes nothing. A torn flush is a death before the flush.
 * crash_image() is what a reboot would find: with DropUnflushed, writes not yet covered by a
 * completed FLUSH are rolled back (the device may lose them).
 */
#pragma once

#include <kernel/hal/Block.h>

#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <vector>

enum class FaultKind { Fail, Tear };
enum class Unflushed { Keep, Drop };

class MemoryBlockDevice final : public Hal::BlockDevice {
public:
    explicit MemoryBlockDevice(u64 blocks)
        : m_image(blocks * Hal::block_size, 0)
    { }
    explicit MemoryBlockDevice(std::vector<u8> image)
        : m_image(std::move(image))
    { }

    StringView name() const override { return "memory"sv; }
    u64 block_count() const override { return m_image.size() / Hal::block_size; }
    u32 maximum_blocks_per_request() const override { return 64; }

    ErrorOr<void> submit(Hal::BlockRequest& request) override
    {
        if (request.operation != Hal::BlockOperation::Flush) {
            if (!request.buffer || request.block_count == 0
                || request.block_count > maximum_blocks_per_request())
                return Error(ErrorCode::InvalidArgument);
            if (request.block + request.block_count > block_count())
                return Error(ErrorCode::OutOfRange);
        }
        request.start();
        request.finish(perform(request));
        return {};
    }
    ErrorOr<void> wait(Hal::BlockRequest& request) override { return request.result(); }

    // Injects a fault at the operation numbered `position` (0: the next write or flush).
    void inject(FaultKind kind, u64 position, usize torn_bytes = 0)
    {
        m_fault = Fault {kind, m_operations + position, torn_bytes};
    }
    u64 operations() const { return m_operations; }
    // Blocks read so far (a measure of how much a call had to look at).
    u64 blocks_read() const { return m_blocks_read; }
    bool is_dead() const { return m_dead; }
    std::set<u64> const& written_blocks() const { return m_written; }
    void forget_written_blocks() { m_written.clear(); }

    std::vector<u8> crash_image(Unflushed unflushed) const
    {
        auto image = m_image;
        if (unflushed == Unflushed::Drop) {
            for (auto const& [block, before] : m_unflushed)
                std::memcpy(image.data() + block * Hal::block_size, before.data(), Hal::block_size);
        }
        return image;
    }
    std::vector<u8>& image() { return m_image; }

private:
    struct Fault {
        FaultKind kind;
        u64 operation;
        usize torn_bytes;
    };

    Optional<ErrorCode> perform(Hal::BlockRequest& request)
    {
        if (m_dead)
            return ErrorCode::IoFailure;
        auto* bytes = static_cast<u8*>(request.buffer);
        if (request.operation == Hal::BlockOperation::Read) {
            m_blocks_read += request.block_count;
            std::memcpy(bytes, m_image.data() + request.block * Hal::block_size,
                request.block_count * Hal::block_size);
            return {};
        }
        if (request.operation == Hal::BlockOperation::Flush) {
            if (hits_fault())
                return fault_result(nullptr, 0);
            m_unflushed.clear();
            ++m_operations;
            return {};
        }
        for (u32 i = 0; i < request.block_count; ++i) {
            u64 block = request.block + i;
            if (hits_fault())
                return fault_result(bytes + i * Hal::block_size, block);
            remember(block);
            std::memcpy(
                m_image.data() + block * Hal::block_size, bytes + i * Hal::block_size, Hal::block_size);
            ++m_operations;
        }
        return {};
    }

    bool hits_fault() const { return m_fault.has_value() && m_fault->operation == m_operations; }

    ErrorCode fault_result(u8 const* data, u64 block)
    {
        auto fault = *m_fault;
        m_fault.reset();
        ++m_operations;
        if (fault.kind == FaultKind::Tear) {
            if (data) {
                remember(block);
                std::memcpy(m_image.data() + block * Hal::block_size, data, fault.torn_bytes);
            }
            m_dead = true;
        }
        return ErrorCode::IoFailure;
    }

    void remember(u64 block)
    {
        m_written.insert(block);
        if (m_unflushed.count(block))
            return;
        std::vector<u8> before(
            m_image.begin() + block * Hal::block_size, m_image.begin() + (block + 1) * Hal::block_size);
        m_unflushed.emplace(block, std::move(before));
    }

    std::vector<u8> m_image;
    std::map<u64, std::vector<u8>> m_unflushed;
    std::set<u64> m_written;
    std::optional<Fault> m_fault;
    u64 m_operations {0};
    u64 m_blocks_read {0};
    bool m_dead {false};
};
