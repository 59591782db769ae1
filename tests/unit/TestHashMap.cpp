/*
 * tests/unit/TestHashMap.cpp: HashMap insert/overwrite/remove, rehashing with many keys,
 * heavy collisions, tombstone reuse, iteration, String keys, lifetimes and allocation
 * failure, checked against std::unordered_map as a model.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/HashMap.h>
#include <base/OwnPtr.h>
#include <base/String.h>
#include <random>
#include <unordered_map>
#include <unordered_set>

using BaseTests::AllocationFailureScope;
using BaseTests::Counted;
using BaseTests::Counters;

namespace {

// Only four distinct hashes: long probe chains everywhere.
struct FourBucketTraits {
    static u32 hash(u32 key) { return key % 4; }
    static bool equals(u32 a, u32 b) { return a == b; }
};

// Every key hashes the same.
struct OneBucketTraits {
    static u32 hash(u32) { return 0xdeadbeef; }
    static bool equals(u32 a, u32 b) { return a == b; }
};

template<typename Map> bool matches_model(Map const& map, std::unordered_map<u32, u32> const& model)
{
    if (map.size() != model.size())
        return false;
    for (auto const& [key, value] : model) {
        auto found = map.get(key);
        if (!found.has_value() || *found != value)
            return false;
    }
    usize visited = 0;
    for (auto const& entry : map) {
        auto it = model.find(entry.key);
        if (it == model.end() || it->second != entry.value)
            return false;
        ++visited;
    }
    return visited == model.size();
}

template<typename Traits> void random_operations_against_model(u32 key_range, int operations)
{
    HashMap<u32, u32, Traits> map;
    std::unordered_map<u32, u32> model;
    std::mt19937 random(12345);
    for (int i = 0; i < operations; ++i) {
        u32 key = random() % key_range;
        switch (random() % 3) {
        case 0:
        case 1: {
            u32 value = random();
            auto result = MUST(map.try_set(key, value));
            bool existed = model.count(key) != 0;
            QCOMPARE(
                result, existed ? HashSetResult::ReplacedExistingEntry : HashSetResult::InsertedNewEntry);
            model[key] = value;
            break;
        }
        case 2:
            QCOMPARE(map.remove(key), model.erase(key) == 1);
            break;
        }
    }
    QVERIFY(matches_model(map, model));
}

} // namespace

class HashMapTest : public QObject {
    Q_OBJECT

private slots:
    void insert_get_overwrite_remove()
    {
        HashMap<u32, u32> map;
        QVERIFY(map.is_empty());
        QVERIFY(!map.get(1u).has_value());
        QVERIFY(!map.remove(1u));
        QCOMPARE(MUST(map.try_set(1u, 10u)), HashSetResult::InsertedNewEntry);
        QCOMPARE(map.set(2u, 20u), HashSetResult::InsertedNewEntry);
        QCOMPARE(MUST(map.try_set(1u, 11u)), HashSetResult::ReplacedExistingEntry);
        QCOMPARE(map.size(), 2u);
        QVERIFY(map.get(1u) == 11u);
        QVERIFY(map.contains(2u));
        *map.get(2u) = 21;
        QVERIFY(map.get(2u) == 21u);
        QVERIFY(map.remove(1u));
        QVERIFY(!map.remove(1u));
        QVERIFY(!map.contains(1u));
        QCOMPARE(map.size(), 1u);
        QVERIFY(map.find(2u) != map.end());
        QVERIFY(map.find(1u) == map.end());
        QCOMPARE(map.find(2u)->value, 21u);
    }

    void rehash_with_many_keys()
    {
        HashMap<u64, u64> map;
        usize capacity_changes = 0;
        usize last_capacity = 0;
        for (u64 i = 0; i < 100000; ++i) {
            MUST(map.try_set(i * 7919, i));
            if (map.capacity() != last_capacity) {
                ++capacity_changes;
                // The table stays a power of two and under its load limit.
                QVERIFY((map.capacity() & (map.capacity() - 1)) == 0);
                last_capacity = map.capacity();
            }
            QVERIFY(map.size() * 4 <= map.capacity() * 3);
        }
        QCOMPARE(map.size(), 100000u);
        QVERIFY(capacity_changes < 20);
        for (u64 i = 0; i < 100000; ++i) {
            auto value = map.get(i * 7919);
            QVERIFY(value.has_value());
            QCOMPARE(*value, i);
        }
        QVERIFY(!map.contains(u64(7918)));
    }

    void heavy_collisions()
    {
        HashMap<u32, u32, FourBucketTraits> map;
        std::unordered_map<u32, u32> model;
        for (u32 i = 0; i < 2000; ++i) {
            map.set(i, i * 3);
            model[i] = i * 3;
        }
        for (u32 i = 0; i < 2000; i += 5) {
            QVERIFY(map.remove(i));
            model.erase(i);
        }
        QVERIFY(matches_model(map, model));

        HashMap<u32, u32, OneBucketTraits> worst;
        for (u32 i = 0; i < 300; ++i)
            worst.set(i, i);
        for (u32 i = 0; i < 300; i += 2)
            worst.remove(i);
        for (u32 i = 0; i < 300; ++i)
            QCOMPARE(worst.contains(i), i % 2 == 1);
    }

    void tombstones_are_reused_without_growth()
    {
        HashMap<u32, u32> map;
        MUST(map.try_ensure_capacity(100));
        usize capacity = map.capacity();
        // Churn through many more keys than fit, never holding more than 50 at once.
        for (u32 round = 0; round < 200; ++round) {
            for (u32 i = 0; i < 50; ++i)
                map.set(round * 50 + i, i);
            for (u32 i = 0; i < 50; ++i)
                QVERIFY(map.remove(round * 50 + i));
        }
        QVERIFY(map.is_empty());
        QCOMPARE(map.capacity(), capacity);
        map.set(1u, 1u);
        QVERIFY(map.get(1u) == 1u);
    }

    void random_operations_match_a_model()
    {
        random_operations_against_model<Traits<u32>>(500, 20000);
        random_operations_against_model<FourBucketTraits>(200, 5000);
    }

    void iteration_visits_each_entry_once()
    {
        HashMap<u32, u32> map;
        for (u32 i = 0; i < 1000; ++i)
            map.set(i, i + 1);
        std::unordered_set<u32> seen;
        for (auto& entry : map) {
            QVERIFY(seen.insert(entry.key).second);
            QCOMPARE(entry.value, entry.key + 1);
            entry.value = 0;
        }
        QCOMPARE(seen.size(), 1000u);
        for (auto const& [key, value] : map)
            QCOMPARE(value, 0u);
        HashMap<u32, u32> const& constant = map;
        usize count = 0;
        for (auto it = constant.begin(); it != constant.end(); ++it)
            ++count;
        QCOMPARE(count, 1000u);
        HashMap<u32, u32> empty;
        QVERIFY(empty.begin() == empty.end());
    }

    void string_keys_found_by_view()
    {
        HashMap<String, int> map;
        map.set(MUST(String::from_view("pager"sv)), 1);
        map.set(MUST(String::from_view("snapshot"sv)), 2);
        map.set(MUST(String::from_view("pager"sv)), 3);
        QCOMPARE(map.size(), 2u);
        QVERIFY(map.get("pager"sv) == 3);
        QVERIFY(map.get(MUST(String::from_view("snapshot"sv))) == 2);
        QVERIFY(!map.contains("pag"sv));
        QVERIFY(map.remove("pager"sv));
        QCOMPARE(map.size(), 1u);

        HashMap<StringView, int> views;
        views.set("a"sv, 1);
        views.set("b"sv, 2);
        QVERIFY(views.get("b"sv) == 2);
    }

    void values_are_destroyed_exactly_once()
    {
        Counters counters;
        {
            HashMap<u32, Counted> map;
            for (u32 i = 0; i < 500; ++i)
                MUST(map.try_set(i, Counted(counters, static_cast<int>(i))));
            for (u32 i = 0; i < 500; i += 2)
                map.set(i, Counted(counters, -2)); // overwrite
            for (u32 i = 0; i < 100; ++i)
                map.remove(i);
            QCOMPARE(counters.alive(), 400);
            usize removed = map.remove_all_matching([](auto& entry) { return entry.value.value() == -2; });
            QCOMPARE(removed, 200u);
            QCOMPARE(counters.alive(), 200);
            HashMap<u32, Counted> moved = move(map);
            QVERIFY(map.is_empty());
            QCOMPARE(moved.size(), 200u);
            HashMap<u32, Counted> clone = MUST(moved.try_clone());
            QCOMPARE(counters.alive(), 400);
            clone.clear();
            QCOMPARE(counters.alive(), 200);
        }
        QCOMPARE(counters.alive(), 0);
    }

    void move_only_values_and_ensure()
    {
        HashMap<u32, NonnullOwnPtr<int>> map;
        map.set(1u, MUST(try_make<int>(10)));
        int* created = MUST(map.try_ensure(1u, [] { return MUST(try_make<int>(99)); }))->ptr();
        QCOMPARE(*created, 10);
        auto* value = MUST(map.try_ensure(2u, [] { return MUST(try_make<int>(20)); }));
        QCOMPARE(**value, 20);
        QCOMPARE(map.size(), 2u);
    }

    void setting_a_value_taken_from_the_map_itself()
    {
        HashMap<u32, String> map;
        map.set(0u, MUST(String::from_view("zero"sv)));
        // Each insertion may rehash while the argument still refers into the table.
        for (u32 i = 1; i < 200; ++i)
            map.set(i, *map.get(i - 1));
        QVERIFY(map.get(199u) == "zero"sv);
    }

    void allocation_failure_leaves_the_map_intact()
    {
        HashMap<u32, u32> map;
        for (u32 i = 0; i < 6; ++i)
            map.set(i, i);
        QCOMPARE(map.capacity(), 8u);
        {
            AllocationFailureScope no_memory(0);
            auto result = map.try_set(6u, 6u);
            QVERIFY(result.is_error());
            QCOMPARE(result.error().code(), ErrorCode::OutOfMemory);
            // Overwriting needs no memory.
            QCOMPARE(MUST(map.try_set(5u, 50u)), HashSetResult::ReplacedExistingEntry);
            QVERIFY(no_memory.failures() == 1);
        }
        QCOMPARE(map.size(), 6u);
        QVERIFY(map.get(5u) == 50u);
        QVERIFY(!map.contains(6u));
        map.set(6u, 6u);
        QCOMPARE(map.size(), 7u);
    }
};

PHANTOM_BASE_TEST(HashMapTest, "hash_map");
#include "TestHashMap.moc"
