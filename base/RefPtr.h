/*
 * base/RefPtr.h: shared ownership by intrusive reference counting.
 *
 *     class Window : public RefCounted<Window> { ... };
 *     NonnullRefPtr<Window> window = TRY(try_make_ref_counted<Window>(title));
 *
 * The count lives in the object (RefCounted<T>), so a raw T& can be turned back into a
 * reference at any time. The last unref() deletes the object. NonnullRefPtr is never null
 * (except after being moved from); RefPtr may be. Counts are atomic.
 */
#pragma once

#include <base/Assertions.h>
#include <base/ErrorOr.h>
#include <base/StdLibExtras.h>
#include <base/Types.h>
#include <new>

namespace Base {

template<typename T> class RefCounted {
public:
    RefCounted(RefCounted const&) = delete;
    RefCounted& operator=(RefCounted const&) = delete;

    void ref() const
    {
        u32 old_count = __atomic_fetch_add(&m_reference_count, 1, __ATOMIC_RELAXED);
        VERIFY(old_count > 0);
    }

    void unref() const
    {
        u32 old_count = __atomic_fetch_sub(&m_reference_count, 1, __ATOMIC_ACQ_REL);
        VERIFY(old_count > 0);
        if (old_count == 1)
            delete static_cast<T const*>(this);
    }

    [[nodiscard]] u32 reference_count() const
    {
        return __atomic_load_n(&m_reference_count, __ATOMIC_RELAXED);
    }

protected:
    RefCounted() = default;
    ~RefCounted() { VERIFY(m_reference_count == 0); }

private:
    // Starts at 1: the creator's adopt_ref() takes over that first reference.
    mutable u32 m_reference_count {1};
};

template<typename T> class RefPtr;

template<typename T> class [[nodiscard]] NonnullRefPtr {
public:
    enum class AdoptTag { Adopt };

    // Takes over the object's existing (first) reference.
    NonnullRefPtr(AdoptTag, T& object)
        : m_pointer(&object)
    { }
    // Adds a reference.
    NonnullRefPtr(T& object)
        : m_pointer(&object)
    {
        m_pointer->ref();
    }
    NonnullRefPtr(NonnullRefPtr const& other)
        : m_pointer(other.ptr())
    {
        m_pointer->ref();
    }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) NonnullRefPtr(NonnullRefPtr<U> const& other)
        : m_pointer(other.ptr())
    {
        m_pointer->ref();
    }
    NonnullRefPtr(NonnullRefPtr&& other)
        : m_pointer(other.leak_ref())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) NonnullRefPtr(NonnullRefPtr<U>&& other)
        : m_pointer(other.leak_ref())
    { }

    NonnullRefPtr& operator=(NonnullRefPtr const& other)
    {
        NonnullRefPtr copy(other);
        swap_with(copy);
        return *this;
    }
    NonnullRefPtr& operator=(NonnullRefPtr&& other)
    {
        NonnullRefPtr moved(move(other));
        swap_with(moved);
        return *this;
    }

    ~NonnullRefPtr()
    {
        if (T* pointer = exchange(m_pointer, nullptr))
            pointer->unref();
    }

    T* ptr() const
    {
        VERIFY(m_pointer);
        return m_pointer;
    }
    T* operator->() const { return ptr(); }
    T& operator*() const { return *ptr(); }
    operator T&() const { return *ptr(); }

    // Gives up this pointer's reference without dropping it; the caller now owns it.
    [[nodiscard]] T* leak_ref()
    {
        VERIFY(m_pointer);
        return exchange(m_pointer, nullptr);
    }

    bool operator==(NonnullRefPtr const& other) const { return m_pointer == other.m_pointer; }

private:
    void swap_with(NonnullRefPtr& other) { swap(m_pointer, other.m_pointer); }

    T* m_pointer {nullptr};
};

template<typename T> class [[nodiscard]] RefPtr {
public:
    RefPtr() = default;
    RefPtr(nullptr_t) { }
    RefPtr(T* object)
        : m_pointer(object)
    {
        if (m_pointer)
            m_pointer->ref();
    }
    RefPtr(T& object)
        : RefPtr(&object)
    { }
    RefPtr(RefPtr const& other)
        : RefPtr(other.m_pointer)
    { }
    RefPtr(RefPtr&& other)
        : m_pointer(other.leak_ref())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) RefPtr(NonnullRefPtr<U> const& other)
        : RefPtr(other.ptr())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) RefPtr(NonnullRefPtr<U>&& other)
        : m_pointer(other.leak_ref())
    { }
    template<typename U>
    requires(std::is_convertible_v<U*, T*>) RefPtr(RefPtr<U> const& other)
        : RefPtr(other.ptr())
    { }

    RefPtr& operator=(RefPtr const& other)
    {
        RefPtr copy(other);
        swap(m_pointer, copy.m_pointer);
        return *this;
    }
    RefPtr& operator=(RefPtr&& other)
    {
        RefPtr moved(move(other));
        swap(m_pointer, moved.m_pointer);
        return *this;
    }
    RefPtr& operator=(nullptr_t)
    {
        clear();
        return *this;
    }

    ~RefPtr() { clear(); }

    void clear()
    {
        if (T* pointer = exchange(m_pointer, nullptr))
            pointer->unref();
    }

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
    bool operator==(RefPtr const& other) const { return m_pointer == other.m_pointer; }

    [[nodiscard]] T* leak_ref() { return exchange(m_pointer, nullptr); }
    [[nodiscard]] NonnullRefPtr<T> release_nonnull()
    {
        VERIFY(m_pointer);
        return NonnullRefPtr<T>(NonnullRefPtr<T>::AdoptTag::Adopt, *leak_ref());
    }

private:
    T* m_pointer {nullptr};
};

// Takes over the first reference of an object allocated with new(std::nothrow).
template<typename T> [[nodiscard]] NonnullRefPtr<T> adopt_ref(T& object)
{
    return NonnullRefPtr<T>(NonnullRefPtr<T>::AdoptTag::Adopt, object);
}

template<typename T> [[nodiscard]] ErrorOr<NonnullRefPtr<T>> adopt_nonnull_ref_or_enomem(T* object)
{
    if (!object)
        return Error(ErrorCode::OutOfMemory);
    return adopt_ref(*object);
}

template<typename T, typename... Args>
[[nodiscard]] ErrorOr<NonnullRefPtr<T>> try_make_ref_counted(Args&&... arguments)
{
    return adopt_nonnull_ref_or_enomem(new (std::nothrow) T(forward<Args>(arguments)...));
}

} // namespace Base

using Base::adopt_nonnull_ref_or_enomem;
using Base::adopt_ref;
using Base::NonnullRefPtr;
using Base::RefCounted;
using Base::RefPtr;
using Base::try_make_ref_counted;
