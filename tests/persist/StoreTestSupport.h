/*
 * tests/persist/StoreTestSupport.h: what the PersistentStore tests share: deterministic page
 * contents, a model of the world a series of snapshots must leave, committing a snapshot of
 * chosen pages, and checking that a generation holds exactly the model.
 */
#pragma once

#include "MemoryBlockDevice.h"

#include <kernel/persist/PersistentStore.h>

#include <QtTest>

#include <array>
#include <map>
#include <string>
#include <vector>

namespace StoreTestSupport {

using namespace Persist;

using Page = std::array<u8, disk_block_size>;
using World = std::map<u64, Page>;

inline Page make_page(u64 generation, u64 index, u64 seed)
{
    Page page;
    u64 state = (generation * 0x9E3779B97F4A7C15ull) ^ (index << 20) ^ seed ^ 0x1234567;
    for (usize i = 0; i < page.size(); i += 8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::memcpy(page.data() + i, &state, 8);
    }
    return page;
}

// The world after a snapshot made by commit_pages() with these arguments.
inline World expected_world(World world, u64 generation, u64 count, u64 range, u64 seed)
{
    for (u64 i = 0; i < count; ++i) {
        u64 index = (seed * 31 + i * 7919) % range;
        world[index] = make_page(generation, index, seed + i);
    }
    return world;
}

// Applies a snapshot of `count` pages chosen among `range` indexes to `world` and commits it.
inline ErrorOr<GenerationInfo> commit_pages(PersistentStore& store, World& world, u64 count, u64 range,
    u64 seed, std::vector<Page>* storage = nullptr)
{
    std::vector<Page> local;
    auto& pages = storage ? *storage : local;
    pages.clear();
    pages.reserve(count);
    std::vector<DirtyPage> dirty;
    u64 generation = store.boot_generation().generation + 1;
    World next = world;
    for (u64 i = 0; i < count; ++i) {
        u64 index = (seed * 31 + i * 7919) % range;
        pages.push_back(make_page(generation, index, seed + i));
        next[index] = pages.back();
    }
    for (u64 i = 0; i < count; ++i)
        dirty.push_back({(seed * 31 + i * 7919) % range, pages[i].data()});
    auto info = store.commit_snapshot(Span<DirtyPage const>(dirty.data(), dirty.size()), {seed * 1000, 5});
    if (!info.is_error())
        world = next;
    return info;
}

// Whether generation `generation` of `store` holds exactly `world`.
inline bool holds(PersistentStore const& store, u64 generation, World const& world)
{
    auto indexes = store.page_indices(generation);
    if (indexes.is_error() || indexes.value().size() != world.size())
        return false;
    Page buffer;
    for (auto const& [index, page] : world) {
        auto present = store.read_page(generation, index, Bytes(buffer.data(), buffer.size()));
        if (present.is_error() || !present.value() || buffer != page)
            return false;
    }
    return true;
}

inline NonnullOwnPtr<PersistentStore> open_store(Hal::BlockDevice& device, OpenOptions const& options = {})
{
    auto store = PersistentStore::open(device, options);
    if (store.is_error())
        qFatal("open failed: %s",
            std::string(store.error().message().characters_without_null_termination(),
                store.error().message().length())
                .c_str());
    return store.release_value();
}

} // namespace StoreTestSupport
