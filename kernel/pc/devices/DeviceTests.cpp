/*
 * kernel/pc/devices/DeviceTests.cpp: the tests of DeviceTests.h, written against the HAL
 * only. The block pattern is reproduced by tests/system/DevicesTest.cpp, which checks the
 * image file itself between the two boots.
 */
#include <base/Log.h>
#include <kernel/hal/Block.h>
#include <kernel/hal/Channel.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/devices/DeviceTests.h>
#include <kernel/pc/devices/Devices.h>

namespace Kernel::Tests {

namespace {

    u64 parameter(StringView key, u64 fallback)
    {
        auto text = device_parameter(key);
        if (!text.has_value())
            return fallback;
        return text->to_uint<u64>().value_or(fallback);
    }

    constexpr u64 pattern_seed = 0x5048'414E'544F'4D21ull;
    constexpr usize random_blocks = 64;
    constexpr u32 run_blocks = 16;

    // The content of word `word` of block `block`; the system test computes the same.
    u64 pattern_word(u64 block, u64 word)
    {
        u64 value = pattern_seed ^ (block * 0x9E37'79B9'7F4A'7C15ull) ^ (word * 0xC2B2'AE3D'27D4'EB4Full);
        value ^= value >> 29;
        return value * 0xBF58'476D'1CE4'E5B9ull;
    }

    void fill_block(u64 block, u8* buffer)
    {
        auto* words = reinterpret_cast<u64*>(buffer);
        for (u64 word = 0; word < Hal::block_size / 8; ++word)
            words[word] = pattern_word(block, word);
    }

    bool block_matches(u64 block, u8 const* buffer)
    {
        auto const* words = reinterpret_cast<u64 const*>(buffer);
        for (u64 word = 0; word < Hal::block_size / 8; ++word) {
            if (words[word] != pattern_word(block, word)) {
                logln("test: block {} word {} is {:#x}, expected {:#x}", block, word, words[word],
                    pattern_word(block, word));
                return false;
            }
        }
        return true;
    }

    // The blocks under test: 64 from a fixed LCG, a run of 16 starting at a block the LCG
    // picks, and the last block. Same list on every boot (and in the system test).
    struct BlockList {
        u64 blocks[random_blocks + 1];
        u64 run_start;
    };

    BlockList block_list(u64 block_count)
    {
        BlockList list {};
        u64 state = pattern_seed;
        auto next = [&] {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            return state >> 33;
        };
        // Keep the run clear of the random blocks' range end so it fits.
        for (usize i = 0; i < random_blocks; ++i)
            list.blocks[i] = next() % block_count;
        list.blocks[random_blocks] = block_count - 1;
        list.run_start = next() % (block_count - run_blocks);
        return list;
    }

    struct Buffers {
        u8* single {nullptr}; // (random_blocks + 1) blocks
        u8* run {nullptr};    // run_blocks blocks
        ~Buffers()
        {
            KernelHeap::free_aligned(single, Hal::block_size);
            KernelHeap::free_aligned(run, Hal::block_size);
        }
    };

    void count_completion(Hal::BlockRequest& request)
    {
        __atomic_add_fetch(static_cast<u32*>(request.context), 1, __ATOMIC_RELAXED);
    }

    bool read_and_check(Hal::BlockDevice& device, BlockList const& list, Buffers& buffers)
    {
        // All the single-block reads are in flight together.
        Hal::BlockRequest requests[random_blocks + 1];
        u32 completed = 0;
        for (usize i = 0; i <= random_blocks; ++i) {
            __builtin_memset(buffers.single + i * Hal::block_size, 0xEE, Hal::block_size);
            requests[i].operation = Hal::BlockOperation::Read;
            requests[i].block = list.blocks[i];
            requests[i].buffer = buffers.single + i * Hal::block_size;
            requests[i].completion = count_completion;
            requests[i].context = &completed;
            if (auto result = device.submit(requests[i]); result.is_error()) {
                logln("test: read of block {} refused: {}", list.blocks[i], result.error());
                return false;
            }
        }
        bool ok = true;
        for (usize i = 0; i <= random_blocks; ++i) {
            if (auto result = device.wait(requests[i]); result.is_error()) {
                logln("test: read of block {} failed: {}", list.blocks[i], result.error());
                ok = false;
            }
        }
        if (__atomic_load_n(&completed, __ATOMIC_RELAXED) != random_blocks + 1) {
            logln("test: {} completions for {} reads", completed, random_blocks + 1);
            ok = false;
        }
        for (usize i = 0; i <= random_blocks && ok; ++i)
            ok &= block_matches(list.blocks[i], buffers.single + i * Hal::block_size);

        __builtin_memset(buffers.run, 0xEE, run_blocks * Hal::block_size);
        if (auto result = device.transfer(Hal::BlockOperation::Read, list.run_start, run_blocks, buffers.run);
            result.is_error()) {
            logln("test: read of the run failed: {}", result.error());
            return false;
        }
        for (u32 i = 0; i < run_blocks && ok; ++i)
            ok &= block_matches(list.run_start + i, buffers.run + i * Hal::block_size);
        return ok;
    }

    ErrorOr<Hal::BlockDevice*> prepare(Buffers& buffers)
    {
        auto* device = TRY(Hal::system_block_device());
        logln("test: disk {} with {} blocks", device->name(), device->block_count());
        if (device->block_count() < 2 * run_blocks)
            return Error::from_string_literal("the disk is too small for the test");
        buffers.single = static_cast<u8*>(
            KernelHeap::allocate_aligned((random_blocks + 1) * Hal::block_size, Hal::block_size));
        buffers.run
            = static_cast<u8*>(KernelHeap::allocate_aligned(run_blocks * Hal::block_size, Hal::block_size));
        if (!buffers.single || !buffers.run)
            return Error::from_code(ErrorCode::OutOfMemory);
        return device;
    }

} // namespace

TestVerdict block_write()
{
    Buffers buffers;
    auto prepared = prepare(buffers);
    if (prepared.is_error()) {
        logln("test: {}", prepared.error());
        return TestVerdict::Fail;
    }
    auto& device = *prepared.value();
    auto list = block_list(device.block_count());

    // The run first, so a random block that falls inside it wins (it is written last).
    for (u32 i = 0; i < run_blocks; ++i)
        fill_block(list.run_start + i, buffers.run + i * Hal::block_size);
    if (auto result = device.transfer(Hal::BlockOperation::Write, list.run_start, run_blocks, buffers.run);
        result.is_error()) {
        logln("test: writing the run failed: {}", result.error());
        return TestVerdict::Fail;
    }
    // The single blocks: all submitted before any is waited for.
    Hal::BlockRequest requests[random_blocks + 1];
    for (usize i = 0; i <= random_blocks; ++i) {
        fill_block(list.blocks[i], buffers.single + i * Hal::block_size);
        requests[i].operation = Hal::BlockOperation::Write;
        requests[i].block = list.blocks[i];
        requests[i].buffer = buffers.single + i * Hal::block_size;
        if (auto result = device.submit(requests[i]); result.is_error()) {
            logln("test: write of block {} refused: {}", list.blocks[i], result.error());
            return TestVerdict::Fail;
        }
    }
    for (usize i = 0; i <= random_blocks; ++i) {
        if (auto result = device.wait(requests[i]); result.is_error()) {
            logln("test: write of block {} failed: {}", list.blocks[i], result.error());
            return TestVerdict::Fail;
        }
    }
    if (auto result = device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr); result.is_error()) {
        logln("test: flush failed: {}", result.error());
        return TestVerdict::Fail;
    }
    logln("test: wrote and flushed {} blocks and a run of {} at {}", random_blocks + 1, run_blocks,
        list.run_start);

    // Errors: past the end, straddling the end, no buffer.
    bool ok = true;
    Hal::BlockRequest bad;
    bad.operation = Hal::BlockOperation::Read;
    bad.block = device.block_count();
    bad.buffer = buffers.run;
    auto past_end = device.submit(bad);
    ok &= past_end.is_error() && past_end.error().code() == ErrorCode::OutOfRange;
    bad.block = device.block_count() - 1;
    bad.block_count = 2;
    auto straddling = device.submit(bad);
    ok &= straddling.is_error() && straddling.error().code() == ErrorCode::OutOfRange;
    bad.block = 0;
    bad.block_count = 1;
    bad.buffer = nullptr;
    auto no_buffer = device.submit(bad);
    ok &= no_buffer.is_error() && no_buffer.error().code() == ErrorCode::InvalidArgument;
    if (!ok)
        logln("test: malformed requests were not refused as they should be");

    ok &= read_and_check(device, list, buffers);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict block_verify()
{
    Buffers buffers;
    auto prepared = prepare(buffers);
    if (prepared.is_error()) {
        logln("test: {}", prepared.error());
        return TestVerdict::Fail;
    }
    auto& device = *prepared.value();
    bool ok = read_and_check(device, block_list(device.block_count()), buffers);
    if (ok)
        logln("test: all {} blocks and the run read back after the reboot", random_blocks + 1);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict echo_channels()
{
    u64 expected = parameter("echo_bytes"sv, 1024 * 1024);
    StringView names[] = {"com2"sv, "org.phantom.ide"sv};
    Hal::Channel* channels[2] {};
    for (usize i = 0; i < 2; ++i) {
        auto channel = Hal::open_channel(names[i]);
        if (channel.is_error()) {
            logln("test: channel {}: {}", names[i], channel.error());
            return TestVerdict::Fail;
        }
        channels[i] = channel.value();
    }
    logln("test: echoing {} bytes on each channel", expected);
    u64 echoed[2] {};
    // Bytes read but not yet accepted by write().
    u8 carry[2][4096];
    usize carry_length[2] {};
    while (echoed[0] < expected || echoed[1] < expected) {
        bool progressed = false;
        for (usize i = 0; i < 2; ++i) {
            if (carry_length[i] == 0) {
                auto got = channels[i]->read(Bytes(carry[i], sizeof(carry[i])));
                if (got.is_error()) {
                    logln("test: reading {}: {}", names[i], got.error());
                    return TestVerdict::Fail;
                }
                carry_length[i] = got.value();
            }
            if (carry_length[i] > 0) {
                auto put = channels[i]->write(ReadonlyBytes(carry[i], carry_length[i]));
                if (put.is_error()) {
                    logln("test: writing {}: {}", names[i], put.error());
                    return TestVerdict::Fail;
                }
                usize written = put.value();
                __builtin_memmove(carry[i], carry[i] + written, carry_length[i] - written);
                carry_length[i] -= written;
                echoed[i] += written;
                progressed |= written > 0;
            }
        }
        if (!progressed)
            asm volatile("pause");
    }
    // Let the last bytes leave before the verdict ends the machine.
    for (auto* channel : channels) {
        while (channel->pending_output() > 0)
            channel->wait(Hal::ChannelCondition::Writable, Hal::monotonic_nanoseconds() + 1'000'000);
    }
    // The UART may still hold its FIFO's worth; give it time to reach the host.
    u64 settle = Hal::monotonic_nanoseconds() + 100'000'000;
    while (Hal::monotonic_nanoseconds() < settle)
        channels[0]->wait(Hal::ChannelCondition::Readable, settle);
    logln("test: echoed {} bytes on com2 and {} on org.phantom.ide", echoed[0], echoed[1]);
    return TestVerdict::Pass;
}

TestVerdict bench_block_write()
{
    auto prepared = Hal::system_block_device();
    if (prepared.is_error()) {
        logln("bench: {}", prepared.error());
        return TestVerdict::Fail;
    }
    auto& device = *prepared.value();
    u64 bytes = parameter("bench_mib"sv, 64) << 20;
    u32 per_request = device.maximum_blocks_per_request();
    u64 total_blocks = bytes / Hal::block_size;
    if (total_blocks > device.block_count())
        total_blocks = device.block_count();
    constexpr usize in_flight = 8;
    usize buffer_bytes = usize(per_request) * Hal::block_size;
    u8* buffers[in_flight] {};
    for (auto*& buffer : buffers) {
        buffer = static_cast<u8*>(KernelHeap::allocate_aligned(buffer_bytes, Hal::block_size));
        if (!buffer)
            return TestVerdict::Fail;
        for (usize i = 0; i < buffer_bytes; ++i)
            buffer[i] = u8(i * 131 + 7);
    }
    Hal::BlockRequest requests[in_flight];
    bool busy[in_flight] {};
    u64 start = Hal::monotonic_nanoseconds();
    u64 next_block = 0;
    bool ok = true;
    auto any_busy = [&] {
        for (bool slot_busy : busy) {
            if (slot_busy)
                return true;
        }
        return false;
    };
    // Keep `in_flight` requests going, each as large as the device allows.
    while (ok && (next_block < total_blocks || any_busy())) {
        for (usize slot = 0; slot < in_flight; ++slot) {
            if (busy[slot]) {
                ok &= !device.wait(requests[slot]).is_error();
                busy[slot] = false;
            }
            if (next_block < total_blocks) {
                u64 count = total_blocks - next_block < per_request ? total_blocks - next_block : per_request;
                requests[slot] = Hal::BlockRequest {};
                requests[slot].operation = Hal::BlockOperation::Write;
                requests[slot].block = next_block;
                requests[slot].block_count = u32(count);
                requests[slot].buffer = buffers[slot];
                ok &= !device.submit(requests[slot]).is_error();
                busy[slot] = ok;
                next_block += count;
            }
        }
    }
    u64 written = Hal::monotonic_nanoseconds();
    ok &= !device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr).is_error();
    u64 flushed = Hal::monotonic_nanoseconds();
    for (auto* buffer : buffers)
        KernelHeap::free_aligned(buffer, Hal::block_size);
    logln("bench: block write {} bytes in {} us, flush {} us, {} blocks per request, {} in flight",
        total_blocks * Hal::block_size, (written - start) / 1000, (flushed - written) / 1000, per_request,
        in_flight);
    return ok ? TestVerdict::Pass : TestVerdict::Fail;
}

TestVerdict bench_channel_send()
{
    auto name = device_parameter("channel"sv).value_or("com2"sv);
    u64 total = parameter("bench_bytes"sv, 1024 * 1024);
    auto opened = Hal::open_channel(name);
    if (opened.is_error()) {
        logln("bench: channel {}: {}", name, opened.error());
        return TestVerdict::Fail;
    }
    auto* channel = opened.value();
    // The host says "go" with one byte once it listens (a chardev drops bytes before that).
    logln("bench: {} waiting for the host", name);
    channel->wait(Hal::ChannelCondition::Readable, Hal::no_deadline);
    u8 go[16];
    (void)channel->read(Bytes(go, sizeof(go)));

    u8 chunk[4096];
    for (usize i = 0; i < sizeof(chunk); ++i)
        chunk[i] = u8('a' + i % 26);
    u64 start = Hal::monotonic_nanoseconds();
    u64 sent = 0;
    while (sent < total) {
        u64 want = total - sent < sizeof(chunk) ? total - sent : sizeof(chunk);
        auto written = channel->write(ReadonlyBytes(chunk, usize(want)));
        if (written.is_error())
            return TestVerdict::Fail;
        sent += written.value();
        if (written.value() == 0)
            channel->wait(Hal::ChannelCondition::Writable, Hal::no_deadline);
    }
    while (channel->pending_output() > 0)
        channel->wait(Hal::ChannelCondition::Writable, Hal::monotonic_nanoseconds() + 1'000'000);
    u64 elapsed = Hal::monotonic_nanoseconds() - start;
    logln("bench: {} sent {} bytes in {} us", name, sent, elapsed / 1000);
    // The host counts the bytes; wait for its "done" byte so nothing is cut off by the exit.
    channel->wait(Hal::ChannelCondition::Readable, Hal::monotonic_nanoseconds() + 60'000'000'000ull);
    return TestVerdict::Pass;
}

} // namespace Kernel::Tests
