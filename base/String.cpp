/*
 * base/String.cpp: allocation and release of String's shared character storage.
 */

#include <base/String.h>
#include <new>

namespace Base {

ErrorOr<String> String::from_view(StringView text)
{
    String result;
    if (text.is_empty())
        return result;
    if (text.length() > static_cast<usize>(-1) - sizeof(Storage) - 1)
        return Error(ErrorCode::Overflow);
    void* memory = ::operator new(sizeof(Storage) + text.length() + 1, std::nothrow);
    if (!memory)
        return Error(ErrorCode::OutOfMemory);
    auto* storage = new (memory) Storage {1, text.length()};
    __builtin_memcpy(storage->characters(), text.characters_without_null_termination(), text.length());
    storage->characters()[text.length()] = '\0';
    result.m_storage = storage;
    return result;
}

void String::unref()
{
    if (!m_storage)
        return;
    // acq_rel: the last owner must see every other owner's reads finished before freeing.
    if (__atomic_sub_fetch(&m_storage->reference_count, 1, __ATOMIC_ACQ_REL) == 0) {
        m_storage->~Storage();
        ::operator delete(m_storage);
    }
    m_storage = nullptr;
}

} // namespace Base
