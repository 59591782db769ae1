/*
 * kernel/pc/memory/FrameAllocator.cpp: the bitmap frame allocator described in
 * FrameAllocator.h, and the Hal frame functions over it. Allocation scans for a non-empty
 * bitmap word from where the last one was found (next fit), so a run of allocations costs
 * O(1) each on a mostly free map.
 */
#include <base/Assertions.h>
#include <base/Log.h>
#include <kernel/pc/cpu/Interrupts.h>
#include <kernel/pc/memory/FrameAllocator.h>

extern "C" u8 kernel_image_start[];
extern "C" u8 kernel_image_end[];

namespace Kernel::FrameAllocator {

namespace {

    constexpr u64 managed_limit = 4ull * 1024 * 1024 * 1024;
    constexpr u64 low_memory_limit = 1024 * 1024;
    constexpr usize frame_count_limit = managed_limit / Hal::page_size;
    constexpr usize word_count = frame_count_limit / 64;

    // In .bss: zeroed by the loader, so every frame starts out "not free".
    u64 s_free_bitmap[word_count];
    usize s_total_frames;
    usize s_free_frames;
    usize s_next_word;

    constexpr u64 align_down(u64 value) { return value & ~(Hal::page_size - 1); }
    constexpr u64 align_up(u64 value) { return align_down(value + Hal::page_size - 1); }

    bool is_free(usize frame) { return s_free_bitmap[frame / 64] & (1ull << (frame % 64)); }

    // Marks the frames wholly inside [base, end) free (or not), counting the changes.
    void set_range(u64 base, u64 end, bool free)
    {
        if (end > managed_limit)
            end = managed_limit;
        u64 first = (free ? align_up(base) : align_down(base)) / Hal::page_size;
        u64 last = (free ? align_down(end) : align_up(end)) / Hal::page_size;
        for (u64 frame = first; frame < last; ++frame) {
            if (is_free(frame) == free)
                continue;
            s_free_bitmap[frame / 64] ^= 1ull << (frame % 64);
            if (free)
                ++s_free_frames;
            else
                --s_free_frames;
        }
    }

    u64 physical_of(void const* kernel_address)
    {
        return reinterpret_cast<FlatPtr>(kernel_address) - 0xffffffff80000000ull;
    }

} // namespace

void initialize(BootInformation const& boot)
{
    for (usize i = 0; i < boot.memory_range_count; ++i) {
        auto const& range = boot.memory_ranges[i];
        set_range(range.base, range.base + range.length, true);
    }
    usize ram_frames = s_free_frames;
    set_range(0, low_memory_limit, false);
    set_range(physical_of(kernel_image_start), physical_of(kernel_image_end), false);
    for (usize i = 0; i < boot.boot_structure_count; ++i) {
        auto const& range = boot.boot_structures[i];
        set_range(range.base, range.base + range.length, false);
    }
    s_total_frames = s_free_frames;
    logln("memory: {} frames of 4 KiB free for allocation ({} MiB) of {} RAM frames below 4 GiB "
          "({} ranges in the {} memory map)",
        s_free_frames, s_free_frames >> 8, ram_frames, boot.memory_range_count,
        boot.protocol == BootProtocol::Pvh ? "pvh"sv : "multiboot"sv);
}

} // namespace Kernel::FrameAllocator

namespace Hal {

using namespace Kernel::FrameAllocator;

ErrorOr<FrameAddress> allocate_frame()
{
    Kernel::Interrupts::InterruptsDisabled guard;
    if (s_free_frames == 0)
        return Error(ErrorCode::OutOfMemory);
    for (usize scanned = 0; scanned < word_count; ++scanned) {
        usize word = (s_next_word + scanned) % word_count;
        u64 bits = s_free_bitmap[word];
        if (bits == 0)
            continue;
        usize bit = static_cast<usize>(__builtin_ctzll(bits));
        s_free_bitmap[word] = bits & ~(1ull << bit);
        --s_free_frames;
        s_next_word = word;
        return static_cast<FrameAddress>((word * 64 + bit) * page_size);
    }
    VERIFY_NOT_REACHED();
}

void free_frame(FrameAddress frame)
{
    Kernel::Interrupts::InterruptsDisabled guard;
    VERIFY(frame % page_size == 0 && frame < managed_limit);
    usize index = frame / page_size;
    // A frame freed twice, or one that never came from allocate_frame().
    VERIFY(!is_free(index));
    s_free_bitmap[index / 64] |= 1ull << (index % 64);
    ++s_free_frames;
    VERIFY(s_free_frames <= s_total_frames);
}

FrameStatistics frame_statistics()
{
    Kernel::Interrupts::InterruptsDisabled guard;
    return {s_total_frames, s_free_frames};
}

} // namespace Hal
