/*
 * base/OwnPtr.h: single-owner heap pointers.
 *
 *     NonnullOwnPtr<Pager> pager = TRY(try_make<Pager>(device));
 *
 * NonnullOwnPtr<T> always owns an object (only a moved-from one is empty, and using that is
 * a VERIFY failure); OwnPtr<T> may be null. Both delete their object when they go away.
 * try_make<T>() is the one way base/ code creates owned objects: it reports OutOfMemory.
 */
#pragma once

#include <base/Assertions.h>
#include <base/ErrorOr.h>
#include <base/StdLibExtras.h>
#include <base/Types.h>
#include <new>

namespace Base {

template<typename T> class OwnPtr;

template<typename T> class [[nodiscard]] NonnullOwnPtr {
public:
    enum class AdoptTag { Adopt };

    NonnullOwnPtr(AdoptTag, T& object)
        : m_pointer(&object)
    { }
    NonnullOwnPtr(NonnullOwnPtr&& other)
        : m_pointer(other.leak_ptr())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) NonnullOwnPtr(NonnullOwnPtr<U>&& other)
        : m_pointer(other.leak_ptr())
    { }
    NonnullOwnPtr(NonnullOwnPtr const&) = delete;
    NonnullOwnPtr& operator=(NonnullOwnPtr const&) = delete;

    NonnullOwnPtr& operator=(NonnullOwnPtr&& other)
    {
        if (this != &other) {
            delete m_pointer;
            m_pointer = other.leak_ptr();
        }
        return *this;
    }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) NonnullOwnPtr& operator=(NonnullOwnPtr<U>&& other)
    {
        T* incoming = other.leak_ptr();
        if (incoming != m_pointer) {
            delete m_pointer;
            m_pointer = incoming;
        }
        return *this;
    }

    ~NonnullOwnPtr() { delete exchange(m_pointer, nullptr); }

    T* ptr() const
    {
        VERIFY(m_pointer);
        return m_pointer;
    }
    T* operator->() const { return ptr(); }
    T& operator*() const { return *ptr(); }
    operator T&() const { return *ptr(); }

    // Gives up ownership: the caller must delete the object.
    [[nodiscard]] T* leak_ptr()
    {
        VERIFY(m_pointer);
        return exchange(m_pointer, nullptr);
    }

private:
    T* m_pointer {nullptr};
};

template<typename T> class [[nodiscard]] OwnPtr {
public:
    OwnPtr() = default;
    OwnPtr(nullptr_t) { }
    OwnPtr(OwnPtr&& other)
        : m_pointer(other.leak_ptr())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) OwnPtr(OwnPtr<U>&& other)
        : m_pointer(other.leak_ptr())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) OwnPtr(NonnullOwnPtr<U>&& other)
        : m_pointer(other.leak_ptr())
    { }
    OwnPtr(OwnPtr const&) = delete;
    OwnPtr& operator=(OwnPtr const&) = delete;

    OwnPtr& operator=(OwnPtr&& other)
    {
        if (this != &other)
            reset(other.leak_ptr());
        return *this;
    }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) OwnPtr& operator=(NonnullOwnPtr<U>&& other)
    {
        reset(other.leak_ptr());
        return *this;
    }
    OwnPtr& operator=(nullptr_t)
    {
        clear();
        return *this;
    }

    ~OwnPtr() { clear(); }

    // Takes ownership of a raw object from new(std::nothrow); null is allowed.
    [[nodiscard]] static OwnPtr adopt(T* object)
    {
        OwnPtr result;
        result.m_pointer = object;
        return result;
    }

    void clear() { delete exchange(m_pointer, nullptr); }

    T* ptr() const { return m_pointer; }
    T* operator->() const
    {
        VERIFY(m_pointer);
        return m_pointer;
    }
    T& operator*() const
    {
        VERIFY(m_pointer);
        return *m_pointer;
    }
    [[nodiscard]] bool is_null() const { return m_pointer == nullptr; }
    explicit operator bool() const { return m_pointer != nullptr; }
    bool operator==(nullptr_t) const { return m_pointer == nullptr; }

    [[nodiscard]] T* leak_ptr() { return exchange(m_pointer, nullptr); }
    [[nodiscard]] NonnullOwnPtr<T> release_nonnull()
    {
        VERIFY(m_pointer);
        return NonnullOwnPtr<T>(NonnullOwnPtr<T>::AdoptTag::Adopt, *leak_ptr());
    }

private:
    void reset(T* object)
    {
        T* old = exchange(m_pointer, object);
        if (old != object)
            delete old;
    }

    T* m_pointer {nullptr};
};

// Takes ownership of an object allocated with new(std::nothrow).
template<typename T> [[nodiscard]] NonnullOwnPtr<T> adopt_own(T& object)
{
    return NonnullOwnPtr<T>(NonnullOwnPtr<T>::AdoptTag::Adopt, object);
}

// Like adopt_own(), turning a failed new(std::nothrow) (a null pointer) into OutOfMemory.
template<typename T> [[nodiscard]] ErrorOr<NonnullOwnPtr<T>> adopt_nonnull_own_or_enomem(T* object)
{
    if (!object)
        return Error(ErrorCode::OutOfMemory);
    return adopt_own(*object);
}

template<typename T, typename... Args> [[nodiscard]] ErrorOr<NonnullOwnPtr<T>> try_make(Args&&... arguments)
{
    return adopt_nonnull_own_or_enomem(new (std::nothrow) T(forward<Args>(arguments)...));
}

} // namespace Base

using Base::adopt_nonnull_own_or_enomem;
using Base::adopt_own;
using Base::NonnullOwnPtr;
using Base::OwnPtr;
using Base::try_make;
