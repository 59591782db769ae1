/*
 * tests/vm/HeapTestSupport.h: what the heap, collector, hot reload and restart tests share:
 * a page-aligned anonymous mapping to hold a heap (and to re-create at the same address, as
 * a restart does), and small helpers to make test objects.
 */
#pragma once

#include <QtTest>
#include <base/StringView.h>
#include <cstring>
#include <sys/mman.h>
#include <vm/Heap.h>

namespace HeapTestSupport {

// An anonymous read-write mapping, unmapped when it goes away.
class Mapping {
public:
    explicit Mapping(size_t size, void* at = nullptr)
        : m_size(size)
    {
        int flags = MAP_PRIVATE | MAP_ANONYMOUS | (at ? MAP_FIXED_NOREPLACE : 0);
        void* address = mmap(at, size, PROT_READ | PROT_WRITE, flags, -1, 0);
        m_base = address == MAP_FAILED ? nullptr : address;
    }
    ~Mapping() { unmap(); }
    Mapping(Mapping const&) = delete;
    Mapping& operator=(Mapping const&) = delete;

    void unmap()
    {
        if (m_base)
            munmap(m_base, m_size);
        m_base = nullptr;
    }
    void* base() const { return m_base; }
    size_t size() const { return m_size; }
    QByteArray bytes() const
    {
        return QByteArray(static_cast<char const*>(m_base), static_cast<qsizetype>(m_size));
    }

private:
    void* m_base {nullptr};
    size_t m_size {0};
};

inline QString error_text(Error const& error)
{
    auto message = error.message();
    return QString::fromUtf8(
        message.characters_without_null_termination(), static_cast<qsizetype>(message.length()));
}

// A raw 8-byte payload helps recognise an object after collections (an identity number).
inline void set_tag(VM::ObjectHeader* object, quint64 tag)
{
    std::memcpy(object->bytes(), &tag, sizeof(tag));
}
inline quint64 tag_of(VM::ObjectHeader const* object)
{
    quint64 tag;
    std::memcpy(&tag, object->bytes(), sizeof(tag));
    return tag;
}

} // namespace HeapTestSupport
