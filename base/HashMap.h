/*
 * base/HashMap.h: HashMap<K, V, KeyTraits>, an unordered map with open addressing.
 *
 *     HashMap<u64, Page*> pages;
 *     TRY(pages.try_set(index, page));
 *     if (auto page = pages.get(index)) use(*page);
 *
 * Buckets live in one heap allocation, probed linearly from the key's hash; removal leaves
 * a tombstone that later inserts reuse, and the table rehashes when live entries plus
 * tombstones pass 3/4 of the buckets. Iteration order is unspecified. Lookups also accept
 * any type the traits can hash and compare (a StringView for String keys).
 */
#pragma once

#include <base/Assertions.h>
#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/StdLibExtras.h>
#include <base/Traits.h>
#include <base/Types.h>
#include <new>

namespace Base {

enum class HashSetResult {
    InsertedNewEntry,
    ReplacedExistingEntry,
};

template<typename K, typename V, typename KeyTraits = Traits<K>> class HashMap {
    enum class BucketState : u8 {
        Free,
        Used,
        Deleted,
    };

public:
    struct Entry {
        K key;
        V value;
    };

    template<typename MapType, typename EntryType> class IteratorBase {
    public:
        EntryType& operator*() const { return m_map->entry_at(m_index); }
        EntryType* operator->() const { return &m_map->entry_at(m_index); }
        IteratorBase& operator++()
        {
            m_index = m_map->next_used_bucket(m_index + 1);
            return *this;
        }
        bool operator==(IteratorBase const& other) const { return m_index == other.m_index; }

    private:
        friend class HashMap;
        IteratorBase(MapType* map, usize index)
            : m_map(map)
            , m_index(index)
        { }
        MapType* m_map;
        usize m_index;
    };
    using Iterator = IteratorBase<HashMap, Entry>;
    using ConstIterator = IteratorBase<HashMap const, Entry const>;

    HashMap() = default;
    HashMap(HashMap&& other)
        : m_entries(exchange(other.m_entries, nullptr))
        , m_states(exchange(other.m_states, nullptr))
        , m_capacity(exchange(other.m_capacity, 0))
        , m_size(exchange(other.m_size, 0))
        , m_deleted_count(exchange(other.m_deleted_count, 0))
    { }
    HashMap& operator=(HashMap&& other)
    {
        if (this != &other) {
            clear();
            m_entries = exchange(other.m_entries, nullptr);
            m_states = exchange(other.m_states, nullptr);
            m_capacity = exchange(other.m_capacity, 0);
            m_size = exchange(other.m_size, 0);
            m_deleted_count = exchange(other.m_deleted_count, 0);
        }
        return *this;
    }
    // Copies would allocate silently; use try_clone().
    HashMap(HashMap const&) = delete;
    HashMap& operator=(HashMap const&) = delete;
    ~HashMap() { clear(); }

    [[nodiscard]] ErrorOr<HashMap> try_clone() const
    {
        HashMap copy;
        TRY(copy.try_ensure_capacity(m_size));
        for (auto const& entry : *this)
            TRY(copy.try_set(entry.key, entry.value));
        return copy;
    }

    [[nodiscard]] usize size() const { return m_size; }
    [[nodiscard]] bool is_empty() const { return m_size == 0; }
    [[nodiscard]] usize capacity() const { return m_capacity; }

    // Makes room for `count` entries in total without another rehash.
    [[nodiscard]] ErrorOr<void> try_ensure_capacity(usize count)
    {
        usize needed = bucket_count_for(count);
        if (needed <= m_capacity)
            return {};
        return rehash(needed);
    }

    template<typename KeyArgument = K, typename ValueArgument = V>
    [[nodiscard]] ErrorOr<HashSetResult> try_set(KeyArgument&& key, ValueArgument&& value)
    {
        if (auto index = find_index(key); index.has_value()) {
            entry_at(index.value()).value = forward<ValueArgument>(value);
            return HashSetResult::ReplacedExistingEntry;
        }
        // Built before the table may move: `value` could refer to an entry of this map.
        Entry entry {K(forward<KeyArgument>(key)), V(forward<ValueArgument>(value))};
        TRY(make_room_for_one_more());
        usize index = insertion_index(entry.key);
        if (m_states[index] == BucketState::Deleted)
            --m_deleted_count;
        new (&m_entries[index]) Entry {move(entry.key), move(entry.value)};
        m_states[index] = BucketState::Used;
        ++m_size;
        return HashSetResult::InsertedNewEntry;
    }

    template<typename KeyArgument = K, typename ValueArgument = V>
    HashSetResult set(KeyArgument&& key, ValueArgument&& value)
    {
        return MUST(try_set(forward<KeyArgument>(key), forward<ValueArgument>(value)));
    }

    // The value for `key`, inserting the result of `make_value()` first when it is missing.
    template<typename Callback> [[nodiscard]] ErrorOr<V*> try_ensure(K const& key, Callback make_value)
    {
        if (auto index = find_index(key); index.has_value())
            return &entry_at(index.value()).value;
        TRY(try_set(key, make_value()));
        return &entry_at(find_index(key).value()).value;
    }

    template<typename LookupKey = K> [[nodiscard]] Optional<V&> get(LookupKey const& key)
    {
        auto index = find_index(key);
        if (!index.has_value())
            return {};
        return entry_at(index.value()).value;
    }
    template<typename LookupKey = K> [[nodiscard]] Optional<V const&> get(LookupKey const& key) const
    {
        auto index = find_index(key);
        if (!index.has_value())
            return {};
        return entry_at(index.value()).value;
    }

    template<typename LookupKey = K> [[nodiscard]] bool contains(LookupKey const& key) const
    {
        return find_index(key).has_value();
    }

    template<typename LookupKey = K> Iterator find(LookupKey const& key)
    {
        auto index = find_index(key);
        return Iterator(this, index.has_value() ? index.value() : m_capacity);
    }
    template<typename LookupKey = K> ConstIterator find(LookupKey const& key) const
    {
        auto index = find_index(key);
        return ConstIterator(this, index.has_value() ? index.value() : m_capacity);
    }

    // Returns whether the key was present.
    template<typename LookupKey = K> bool remove(LookupKey const& key)
    {
        auto index = find_index(key);
        if (!index.has_value())
            return false;
        entry_at(index.value()).~Entry();
        m_states[index.value()] = BucketState::Deleted;
        --m_size;
        ++m_deleted_count;
        return true;
    }

    // Removes every entry for which `predicate(entry)` is true; returns how many.
    template<typename Predicate> usize remove_all_matching(Predicate predicate)
    {
        usize removed = 0;
        for (usize i = 0; i < m_capacity; ++i) {
            if (m_states[i] == BucketState::Used && predicate(entry_at(i))) {
                entry_at(i).~Entry();
                m_states[i] = BucketState::Deleted;
                --m_size;
                ++m_deleted_count;
                ++removed;
            }
        }
        return removed;
    }

    // Destroys every entry and releases the table.
    void clear()
    {
        for (usize i = 0; i < m_capacity; ++i) {
            if (m_states[i] == BucketState::Used)
                entry_at(i).~Entry();
        }
        ::operator delete(m_entries);
        m_entries = nullptr;
        m_states = nullptr;
        m_capacity = 0;
        m_size = 0;
        m_deleted_count = 0;
    }

    Iterator begin() { return Iterator(this, next_used_bucket(0)); }
    Iterator end() { return Iterator(this, m_capacity); }
    ConstIterator begin() const { return ConstIterator(this, next_used_bucket(0)); }
    ConstIterator end() const { return ConstIterator(this, m_capacity); }

private:
    static constexpr usize minimum_capacity = 8;

    Entry& entry_at(usize index) { return *std::launder(&m_entries[index]); }
    Entry const& entry_at(usize index) const { return *std::launder(&m_entries[index]); }

    usize next_used_bucket(usize index) const
    {
        while (index < m_capacity && m_states[index] != BucketState::Used)
            ++index;
        return index;
    }

    // The smallest power of two that keeps `count` entries under the 3/4 load limit.
    static usize bucket_count_for(usize count)
    {
        usize capacity = minimum_capacity;
        while (capacity * 3 / 4 < count)
            capacity *= 2;
        return capacity;
    }

    template<typename LookupKey> Optional<usize> find_index(LookupKey const& key) const
    {
        if (m_size == 0)
            return {};
        usize mask = m_capacity - 1;
        usize index = KeyTraits::hash(key) & mask;
        // The load limit guarantees a free bucket, so the probe ends.
        for (;;) {
            if (m_states[index] == BucketState::Free)
                return {};
            if (m_states[index] == BucketState::Used && KeyTraits::equals(entry_at(index).key, key))
                return index;
            index = (index + 1) & mask;
        }
    }

    // The first free or deleted bucket on the key's probe path (the key is known absent).
    template<typename LookupKey> usize insertion_index(LookupKey const& key) const
    {
        usize mask = m_capacity - 1;
        usize index = KeyTraits::hash(key) & mask;
        while (m_states[index] == BucketState::Used)
            index = (index + 1) & mask;
        return index;
    }

    ErrorOr<void> make_room_for_one_more()
    {
        if ((m_size + m_deleted_count + 1) * 4 <= m_capacity * 3)
            return {};
        // Mostly tombstones: rebuilding at the same size is enough.
        if (m_capacity != 0 && (m_size + 1) * 2 <= m_capacity)
            return rehash(m_capacity);
        return rehash(max(bucket_count_for(m_size + 1), m_capacity * 2));
    }

    ErrorOr<void> rehash(usize new_capacity)
    {
        static_assert(alignof(Entry) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
        if (new_capacity > static_cast<usize>(-1) / (sizeof(Entry) + 1))
            return Error(ErrorCode::Overflow);
        // One allocation: the entries, then one state byte per bucket.
        void* memory = ::operator new(new_capacity*(sizeof(Entry) + 1), std::nothrow);
        if (!memory)
            return Error(ErrorCode::OutOfMemory);
        auto* new_entries = static_cast<Entry*>(memory);
        auto* new_states
            = reinterpret_cast<BucketState*>(static_cast<u8*>(memory) + new_capacity * sizeof(Entry));
        for (usize i = 0; i < new_capacity; ++i)
            new_states[i] = BucketState::Free;

        usize mask = new_capacity - 1;
        for (usize i = 0; i < m_capacity; ++i) {
            if (m_states[i] != BucketState::Used)
                continue;
            Entry& old_entry = entry_at(i);
            usize index = KeyTraits::hash(old_entry.key) & mask;
            while (new_states[index] == BucketState::Used)
                index = (index + 1) & mask;
            new (&new_entries[index]) Entry {move(old_entry.key), move(old_entry.value)};
            new_states[index] = BucketState::Used;
            old_entry.~Entry();
        }
        ::operator delete(m_entries);
        m_entries = new_entries;
        m_states = new_states;
        m_capacity = new_capacity;
        m_deleted_count = 0;
        return {};
    }

    Entry* m_entries {nullptr};
    BucketState* m_states {nullptr};
    usize m_capacity {0};
    usize m_size {0};
    usize m_deleted_count {0};
};

} // namespace Base

using Base::HashMap;
using Base::HashSetResult;
