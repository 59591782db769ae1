/*
 * kernel/pc/Runtime.cpp: what the compiler and base/ expect from a C++ runtime, for a
 * kernel without one: memcpy/memmove/memset/memcmp/strlen (the compiler's builtins call
 * them), operator new/delete over KernelHeap, __cxa_pure_virtual, __cxa_atexit.
 *
 * This file is compiled with -fno-tree-loop-distribute-patterns (see CMakeLists.txt), or
 * GCC would turn the loops below back into calls to the very functions they implement.
 */
#include <base/Types.h>
#include <kernel/pc/KernelHeap.h>
#include <kernel/pc/Panic.h>
#include <new>

extern "C" {

void* memcpy(void* destination, void const* source, usize count)
{
    void* result = destination;
    asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(count) : : "memory");
    return result;
}

void* memset(void* destination, int value, usize count)
{
    void* result = destination;
    asm volatile("rep stosb" : "+D"(destination), "+c"(count) : "a"(value) : "memory");
    return result;
}

void* memmove(void* destination, void const* source, usize count)
{
    auto* to = static_cast<u8*>(destination);
    auto const* from = static_cast<u8 const*>(source);
    if (to <= from || to >= from + count)
        return memcpy(destination, source, count);
    while (count > 0) {
        --count;
        to[count] = from[count];
    }
    return destination;
}

int memcmp(void const* left, void const* right, usize count)
{
    auto const* a = static_cast<u8 const*>(left);
    auto const* b = static_cast<u8 const*>(right);
    for (usize i = 0; i < count; ++i) {
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

usize strlen(char const* string)
{
    usize length = 0;
    while (string[length])
        ++length;
    return length;
}

// libgcc's helper for __builtin_popcountll (kernel/persist counts dirty bits with it); the
// kernel links no libgcc and the compiler may not use the POPCNT instruction.
int __popcountdi2(long long value)
{
    int count = 0;
    for (auto bits = static_cast<unsigned long long>(value); bits != 0; bits &= bits - 1)
        ++count;
    return count;
}

void __cxa_pure_virtual() { Kernel::panic("pure virtual function called"sv); }

// Destructors of global objects would run at exit; the kernel never exits.
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
}

// libsupc++ normally defines the tag object `new (std::nothrow) T` refers to.
namespace std {
nothrow_t const nothrow {};
}

namespace {

[[noreturn]] void out_of_memory()
{
    Kernel::panic("out of memory in operator new (use the nothrow form and handle it)"sv);
}

void* allocate_or_panic(usize bytes)
{
    void* pointer = Kernel::KernelHeap::allocate(bytes);
    if (!pointer)
        out_of_memory();
    return pointer;
}

void* allocate_aligned_or_panic(usize bytes, std::align_val_t alignment)
{
    void* pointer = Kernel::KernelHeap::allocate_aligned(bytes, static_cast<usize>(alignment));
    if (!pointer)
        out_of_memory();
    return pointer;
}

} // namespace

// base/ allocates only through the nothrow forms; the throwing forms cannot throw here, so
// running out of memory in them is a panic.
void* operator new(usize bytes) { return allocate_or_panic(bytes); }
void* operator new[](usize bytes) { return allocate_or_panic(bytes); }
void* operator new(usize bytes, std::nothrow_t const&) noexcept
{
    return Kernel::KernelHeap::allocate(bytes);
}
void* operator new[](usize bytes, std::nothrow_t const&) noexcept
{
    return Kernel::KernelHeap::allocate(bytes);
}
void* operator new(usize bytes, std::align_val_t alignment)
{
    return allocate_aligned_or_panic(bytes, alignment);
}
void* operator new[](usize bytes, std::align_val_t alignment)
{
    return allocate_aligned_or_panic(bytes, alignment);
}
void* operator new(usize bytes, std::align_val_t alignment, std::nothrow_t const&) noexcept
{
    return Kernel::KernelHeap::allocate_aligned(bytes, static_cast<usize>(alignment));
}
void* operator new[](usize bytes, std::align_val_t alignment, std::nothrow_t const&) noexcept
{
    return Kernel::KernelHeap::allocate_aligned(bytes, static_cast<usize>(alignment));
}

void operator delete(void* pointer) noexcept { Kernel::KernelHeap::free(pointer); }
void operator delete[](void* pointer) noexcept { Kernel::KernelHeap::free(pointer); }
void operator delete(void* pointer, usize) noexcept { Kernel::KernelHeap::free(pointer); }
void operator delete[](void* pointer, usize) noexcept { Kernel::KernelHeap::free(pointer); }
void operator delete(void* pointer, std::nothrow_t const&) noexcept { Kernel::KernelHeap::free(pointer); }
void operator delete[](void* pointer, std::nothrow_t const&) noexcept { Kernel::KernelHeap::free(pointer); }
void operator delete(void* pointer, std::align_val_t alignment) noexcept
{
    Kernel::KernelHeap::free_aligned(pointer, static_cast<usize>(alignment));
}
void operator delete[](void* pointer, std::align_val_t alignment) noexcept
{
    Kernel::KernelHeap::free_aligned(pointer, static_cast<usize>(alignment));
}
void operator delete(void* pointer, usize, std::align_val_t alignment) noexcept
{
    Kernel::KernelHeap::free_aligned(pointer, static_cast<usize>(alignment));
}
void operator delete[](void* pointer, usize, std::align_val_t alignment) noexcept
{
    Kernel::KernelHeap::free_aligned(pointer, static_cast<usize>(alignment));
}
