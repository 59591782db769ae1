/*
 * kernel/pc/devices/ByteRing.h: a fixed-size ring of bytes between one producer and one
 * consumer (e.g. an interrupt handler and a thread). The indices only grow; their
 * difference is the fill level, so a full ring needs no spare slot.
 */
#pragma once

#include <base/Span.h>
#include <base/Types.h>

namespace Kernel {

template<usize Capacity> class ByteRing {
    static_assert((Capacity & (Capacity - 1)) == 0, "the capacity must be a power of two");

public:
    usize size() const { return load(m_write) - load(m_read); }
    usize free_space() const { return Capacity - size(); }
    bool is_empty() const { return size() == 0; }
    bool is_full() const { return size() == Capacity; }

    // Appends as much of `bytes` as fits; returns how much.
    usize push(ReadonlyBytes bytes)
    {
        usize write = load(m_write);
        usize count = free_space() < bytes.size() ? free_space() : bytes.size();
        for (usize i = 0; i < count; ++i)
            m_bytes[(write + i) & (Capacity - 1)] = bytes.data()[i];
        __atomic_store_n(&m_write, write + count, __ATOMIC_RELEASE);
        return count;
    }
    bool push(u8 byte) { return push(ReadonlyBytes(&byte, 1)) == 1; }

    // Removes up to destination.size() bytes into `destination`; returns how many.
    usize pop(Bytes destination)
    {
        usize read = load(m_read);
        usize count = size() < destination.size() ? size() : destination.size();
        for (usize i = 0; i < count; ++i)
            destination.data()[i] = m_bytes[(read + i) & (Capacity - 1)];
        __atomic_store_n(&m_read, read + count, __ATOMIC_RELEASE);
        return count;
    }

    // The next byte without removing it; the ring must not be empty.
    u8 peek() const { return m_bytes[load(m_read) & (Capacity - 1)]; }
    void drop(usize count) { __atomic_store_n(&m_read, load(m_read) + count, __ATOMIC_RELEASE); }

private:
    static usize load(usize const& index) { return __atomic_load_n(&index, __ATOMIC_ACQUIRE); }

    u8 m_bytes[Capacity];
    usize m_read {0};
    usize m_write {0};
};

} // namespace Kernel
