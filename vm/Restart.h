/*
 * vm/Restart.h: bringing a VM back over a heap image after a restart: the restart contract
 * (docs/persistence.md, "The restart contract").
 *
 *     RestartOptions options;
 *     options.previous_monotonic_ns = last_seen;             // the world records it
 *     options.downtime_ms = away;
 *     auto restarted = TRY(restart(base, size, host, options)); // the image is already mapped
 *     for (auto& thread : restarted.threads) ...             // what was running, and how
 *     TRY(restarted.vm->run());                              // the threads carry on
 *
 * The heap image holds every VM thread's frames (threads are heap objects; frames live in
 * their Stack objects), so little but the C++ side has to be rebuilt. In order, before any VM
 * thread runs again:
 * 1. the heap attaches to the range (checking the image); the VM re-creates its caches and
 *    binds the natives of its internal classes by name (native code is never stored in the
 *    heap). Internal classes registered by other subsystems must be passed in `extra_classes`;
 * 2. deadlines move onto this run's clock, keeping the time they had left (sleeping threads,
 *    natives that poll), when `previous_monotonic_ns` is given;
 * 3. every object on the restart list re-attaches through its class's hook, in registration
 *    order (timers, channels: vm/RestartList.h);
 * 4. every thread blocked inside a native follows the native's RestartPolicy: it goes on
 *    waiting, the native runs again, or the call throws Restarted;
 * 5. the System.onResumed subscribers get a thread each, called with `downtime_ms`.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
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
    // When the previous run was last seen running (a safepoint), on its monotonic clock. Given,
    // every deadline keeps the time it had left then: the time the world was away does not
    // count. Not given, deadlines stay as they are (a restart on the same clock, in tests).
    Optional<u64> previous_monotonic_ns;
    // How long the world was away (wall clock), handed to the System.onResumed subscribers.
    u64 downtime_ms {0};
};

// What restart() did beyond attaching.
struct RestartReport {
    u32 shifted_deadlines {0};  // sleeping threads and polling natives
    u32 reattached_objects {0}; // restart-list objects whose hook ran
    u32 failed_reattachments {0};
    u32 continued_calls {0};    // threads left waiting in a native (RestartPolicy::Continue)
    u32 reexecuted_calls {0};   // natives run again (RestartPolicy::Reexecute)
    u32 failed_calls {0};       // calls that threw Restarted (RestartPolicy::Fail)
    u32 resume_subscribers {0}; // System.onResumed threads started
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
    Vector<ThreadInfo> threads; // after the steps above (onResumed threads included)
    RestartReport report;
};

// Attaches a heap and a VM to the image at [base, base + size) and lists its threads.
ErrorOr<RestartedVM> restart(void* base, usize size, Host&, RestartOptions const& = {});

// The threads of a VM with their state, identifier, name and number of frames.
ErrorOr<Vector<ThreadInfo>> list_threads(VirtualMachine&);

// "Runnable", "Sleeping", ...
StringView thread_state_name(ThreadState);

// The restart policy declared for a native Method (by its class and name, in the built-in
// tables or `extra_classes`); Continue for anything else.
RestartPolicy restart_policy_of(Value method, Span<NativeClass const> extra_classes);

} // namespace VM
