/*
 * vm/Restart.h: bringing a VM back over a heap image after a restart.
 *
 *     auto restarted = TRY(restart(base, size, host));      // the image is already mapped
 *     for (auto& thread : restarted.threads) ...             // what was running, and how
 *     TRY(restarted.vm->run());                              // the threads carry on
 *
 * The heap image holds every VM thread's frames (threads are heap objects; frames live in
 * their Stack objects), so nothing but the C++ side has to be rebuilt: the heap attaches to
 * the range (checking the image), and the VM re-creates its caches and binds the natives of
 * its internal classes by name (native code is never stored in the heap). Internal classes
 * registered by other subsystems must be passed again in `extra_classes`.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/OwnPtr.h>
#include <base/Span.h>
#include <base/String.h>
#include <base/Vector.h>
#include <vm/Heap.h>
#include <vm/Object.h>
#include <vm/VirtualMachine.h>

namespace VM {

enum class ImageCheck : u8 {
    Header, // the heap checks its metadata (constant time: a restart stays fast for any heap size)
    Full,   // also walk every object and reference (Heap::verify), e.g. after a crash
};

struct RestartOptions {
    HeapOptions heap;
    VMOptions vm;
    Span<NativeClass const> extra_classes;
    ImageCheck check {ImageCheck::Header};
};

// One VM thread as found in the image.
struct ThreadInfo {
    Value thread;
    i64 identifier {0};
    String name;
    ThreadState state {ThreadState::Runnable};
    u32 frame_depth {0};
};

struct RestartedVM {
    // Declared in this order so the VM goes away before its heap.
    NonnullOwnPtr<Heap> heap;
    NonnullOwnPtr<VirtualMachine> vm;
    Vector<ThreadInfo> threads;
};

// Attaches a heap and a VM to the image at [base, base + size) and lists its threads.
ErrorOr<RestartedVM> restart(void* base, usize size, Host&, RestartOptions const& = {});

// The threads of a VM with their state, identifier, name and number of frames.
ErrorOr<Vector<ThreadInfo>> list_threads(VirtualMachine&);

// "Runnable", "Sleeping", ...
StringView thread_state_name(ThreadState);

} // namespace VM
