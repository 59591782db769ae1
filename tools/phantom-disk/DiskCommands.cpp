/*
 * tools/phantom-disk/DiskCommands.cpp: the subcommands. Every read goes through
 * Persist::PersistentStore over a read-only view of the hosted FileBlockDevice, so the tool
 * sees exactly what the kernel would see; the store's own log lines (damaged superblocks,
 * generations, pages) appear on stderr as "phantom: persist: ...".
 */
#include <tools/phantom-disk/DiskCommands.h>
#include <tools/phantom-disk/ReadOnlyBlockDevice.h>

#include <base/Error.h>
#include <kernel/hosted/FileBlockDevice.h>
#include <kernel/persist/PersistentStore.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace PhantomDisk {

using Persist::GenerationInfo;
using Persist::PersistentStore;

static std::string to_std(StringView view)
{
    return std::string(view.characters_without_null_termination(), view.length());
}

static std::string describe(Error const& error)
{
    return to_std(error.message()) + " (" + to_std(error.name()) + ")";
}

static char const* slot_name(u64 slot) { return slot == 0 ? "A" : "B"; }

static std::string utc_date(u64 wall_time_ns)
{
    if (wall_time_ns == 0)
        return "-";
    std::time_t seconds = static_cast<std::time_t>(wall_time_ns / 1'000'000'000ull);
    std::tm parts {};
    gmtime_r(&seconds, &parts);
    char text[32];
    std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &parts);
    return text;
}

static std::string duration(u64 nanoseconds)
{
    char text[32];
    if (nanoseconds < 10'000'000ull)
        std::snprintf(text, sizeof(text), "%llu us", static_cast<unsigned long long>(nanoseconds / 1000));
    else
        std::snprintf(
            text, sizeof(text), "%llu ms", static_cast<unsigned long long>(nanoseconds / 1'000'000));
    return text;
}

// Opens `path` read-only and runs `body(store)`, or explains why the image cannot be
// opened. A store that refuses to open because everything on it is damaged is damage
// (DamageFound), anything else an open error.
template<typename Body> static int with_store(std::string const& path, Body body)
{
    std::error_code filesystem_error;
    if (!std::filesystem::exists(path, filesystem_error)) {
        std::fprintf(
            stderr, "phantom-disk: %s: no such file; give the path of a disk image.\n", path.c_str());
        return UsageOrOpenError;
    }
    if (!std::filesystem::is_regular_file(path, filesystem_error)) {
        std::fprintf(
            stderr, "phantom-disk: %s: not a regular file; give the path of a disk image.\n", path.c_str());
        return UsageOrOpenError;
    }
    auto file = Hosted::FileBlockDevice::open(StringView(path.c_str(), path.size()));
    if (file.is_error()) {
        std::fprintf(stderr,
            "phantom-disk: %s is not a Phantom disk: it cannot be opened as a disk of 4 KiB blocks: %s\n",
            path.c_str(), describe(file.error()).c_str());
        return UsageOrOpenError;
    }
    ReadOnlyBlockDevice device(*file.value());
    auto store = PersistentStore::open(device);
    if (store.is_error()) {
        auto const& error = store.error();
        if (error.code() == ErrorCode::InvalidFormat) {
            std::fprintf(stderr,
                "phantom-disk: %s is not a Phantom disk (no Phantom superblock); create one with "
                "`phantom-disk format`.\n",
                path.c_str());
            return UsageOrOpenError;
        }
        if (error.code() == ErrorCode::Corrupted) {
            std::fprintf(stderr, "phantom-disk: %s: DAMAGED: %s\n", path.c_str(), describe(error).c_str());
            return DamageFound;
        }
        std::fprintf(
            stderr, "phantom-disk: %s cannot be opened: %s\n", path.c_str(), describe(error).c_str());
        return UsageOrOpenError;
    }
    return body(*store.value(), device);
}

static std::vector<GenerationInfo> kept_generations(PersistentStore const& store)
{
    std::vector<GenerationInfo> list;
    auto generations = store.generations();
    VERIFY(!generations.is_error());
    for (auto const& info : generations.value())
        list.push_back(info);
    return list;
}

int format_image(std::string const& path, u64 size_bytes, u32 kept_generations_to_keep)
{
    {
        // The image is recreated: formatting forgets whatever was there.
        std::ofstream truncate(path, std::ios::binary | std::ios::trunc);
        if (!truncate) {
            std::fprintf(stderr, "phantom-disk: %s cannot be created; check the directory and permissions.\n",
                path.c_str());
            return UsageOrOpenError;
        }
    }
    auto file
        = Hosted::FileBlockDevice::open(StringView(path.c_str(), path.size()), size_bytes / Hal::block_size);
    if (file.is_error()) {
        std::fprintf(
            stderr, "phantom-disk: %s cannot be created: %s\n", path.c_str(), describe(file.error()).c_str());
        return UsageOrOpenError;
    }
    if (auto result = PersistentStore::format(*file.value(), kept_generations_to_keep); result.is_error()) {
        std::fprintf(stderr, "phantom-disk: %s cannot be formatted: %s\n", path.c_str(),
            describe(result.error()).c_str());
        return UsageOrOpenError;
    }
    std::printf("formatted %s: %llu blocks of 4096 bytes, %u generations kept\n", path.c_str(),
        static_cast<unsigned long long>(file.value()->block_count()), kept_generations_to_keep);
    return Success;
}

int show_info(std::string const& path)
{
    return with_store(path, [&](PersistentStore& store, Hal::BlockDevice& device) {
        auto boot = store.boot_generation();
        auto generations = kept_generations(store);
        u64 blocks = device.block_count();
        std::printf("image:              %s\n", path.c_str());
        std::printf("format version:     %u\n", Persist::format_version);
        std::printf("disk size:          %llu bytes (%llu blocks of 4096)\n",
            static_cast<unsigned long long>(blocks * Hal::block_size),
            static_cast<unsigned long long>(blocks));
        std::printf("kept generations:   %u (K)\n", store.recorded_kept_generations());
        std::printf("generations on disk: %zu\n", generations.size());
        std::printf("boot generation:    %llu (%llu pages)\n",
            static_cast<unsigned long long>(boot.generation),
            static_cast<unsigned long long>(boot.page_count));
        std::printf("free blocks:        %llu\n", static_cast<unsigned long long>(store.free_block_count()));
        std::string damaged;
        for (auto generation : store.damaged_generations())
            damaged += " " + std::to_string(generation);
        std::printf("damaged generations:%s\n", damaged.empty() ? " none" : damaged.c_str());
        return Success;
    });
}

int show_generations(std::string const& path)
{
    return with_store(path, [&](PersistentStore& store, Hal::BlockDevice&) {
        u64 boot = store.boot_generation().generation;
        std::printf("%-12s %-21s %13s %10s %10s\n", "generation", "wall time (UTC)", "pages written", "pages",
            "pause");
        for (auto const& info : kept_generations(store)) {
            std::printf("%-12s %-21s %13llu %10llu %10s\n",
                (std::to_string(info.generation) + (info.generation == boot ? " (boot)" : "")).c_str(),
                utc_date(info.wall_time_ns).c_str(), static_cast<unsigned long long>(info.pages_written),
                static_cast<unsigned long long>(info.page_count), duration(info.pause_ns).c_str());
        }
        for (auto damaged : store.damaged_generations())
            std::printf("%-12llu DAMAGED (its page map failed its checks; never booted)\n",
                static_cast<unsigned long long>(damaged));
        return Success;
    });
}

int check_image(std::string const& path)
{
    return with_store(path, [&](PersistentStore& store, Hal::BlockDevice&) {
        unsigned problems = 0;
        for (u64 slot = 0; slot < Persist::superblock_slot_count; ++slot) {
            if (store.is_superblock_valid(slot)) {
                std::printf("superblock %s: ok\n", slot_name(slot));
            } else {
                std::printf("superblock %s: DAMAGED: bad checksum or structure (block %llu)\n",
                    slot_name(slot), static_cast<unsigned long long>(slot));
                ++problems;
            }
        }
        for (auto damaged : store.damaged_generations()) {
            std::printf("generation %llu: DAMAGED: its page map failed its checksum or structure check\n",
                static_cast<unsigned long long>(damaged));
            ++problems;
        }
        for (auto const& info : kept_generations(store)) {
            if (auto result = store.verify_generation(info.generation); result.is_error()) {
                std::printf("generation %llu: DAMAGED: %s\n",
                    static_cast<unsigned long long>(info.generation), describe(result.error()).c_str());
                ++problems;
            } else {
                std::printf("generation %llu: ok (%llu pages)\n",
                    static_cast<unsigned long long>(info.generation),
                    static_cast<unsigned long long>(info.page_count));
            }
        }
        if (problems > 0) {
            std::printf("check: %s: %u problem(s) found; the image is damaged\n", path.c_str(), problems);
            return DamageFound;
        }
        std::printf("check: %s: ok\n", path.c_str());
        return Success;
    });
}

int diff_generations(std::string const& path, u64 first, u64 second)
{
    return with_store(path, [&](PersistentStore& store, Hal::BlockDevice&) -> int {
        for (u64 generation : {first, second}) {
            bool kept = false;
            for (auto const& info : kept_generations(store))
                kept = kept || info.generation == generation;
            if (!kept) {
                std::string list;
                for (auto const& info : kept_generations(store))
                    list += " " + std::to_string(info.generation);
                std::fprintf(stderr, "phantom-disk: generation %llu is not kept on %s (kept:%s).\n",
                    static_cast<unsigned long long>(generation), path.c_str(), list.c_str());
                return UsageOrOpenError;
            }
        }
        auto first_indices = store.page_indices(first);
        auto second_indices = store.page_indices(second);
        for (auto* indices : {&first_indices, &second_indices}) {
            if (indices->is_error()) {
                std::fprintf(stderr, "phantom-disk: %s: DAMAGED: %s\n", path.c_str(),
                    describe(indices->error()).c_str());
                return DamageFound;
            }
        }
        auto const& old_pages = first_indices.value();
        auto const& new_pages = second_indices.value();
        std::vector<u8> old_content(Hal::block_size);
        std::vector<u8> new_content(Hal::block_size);
        u64 changed = 0, added = 0, removed = 0;
        usize old_position = 0, new_position = 0;
        while (old_position < old_pages.size() || new_position < new_pages.size()) {
            if (new_position == new_pages.size()
                || (old_position < old_pages.size() && old_pages[old_position] < new_pages[new_position])) {
                std::printf("removed %llu\n", static_cast<unsigned long long>(old_pages[old_position++]));
                ++removed;
                continue;
            }
            if (old_position == old_pages.size() || new_pages[new_position] < old_pages[old_position]) {
                std::printf("added %llu\n", static_cast<unsigned long long>(new_pages[new_position++]));
                ++added;
                continue;
            }
            u64 page = old_pages[old_position++];
            ++new_position;
            auto old_read = store.read_page(first, page, Bytes(old_content.data(), old_content.size()));
            auto new_read = store.read_page(second, page, Bytes(new_content.data(), new_content.size()));
            for (auto* read : {&old_read, &new_read}) {
                if (read->is_error()) {
                    std::fprintf(stderr, "phantom-disk: %s: DAMAGED: page %llu: %s\n", path.c_str(),
                        static_cast<unsigned long long>(page), describe(read->error()).c_str());
                    return DamageFound;
                }
            }
            if (old_content != new_content) {
                std::printf("changed %llu\n", static_cast<unsigned long long>(page));
                ++changed;
            }
        }
        std::printf("diff %llu -> %llu: %llu changed, %llu added, %llu removed\n",
            static_cast<unsigned long long>(first), static_cast<unsigned long long>(second),
            static_cast<unsigned long long>(changed), static_cast<unsigned long long>(added),
            static_cast<unsigned long long>(removed));
        return Success;
    });
}

} // namespace PhantomDisk
