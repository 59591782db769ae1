/*
 * vm/RestartList.h: what a VM keeps in its heap for restarts, beside the root object (heap
 * root `restart_state_root`): the restart list, the active timers and the subscribers to
 * "resumed after Δt"; and the internal classes that live on the list (Timer, Channel).
 *
 *     TRY(restart_list_add(vm, channel));                  // a Channel stands for a HAL channel
 *     ...after a restart (vm/Restart.cpp, before any VM thread runs):
 *     TRY(reattach_restart_list(vm, extra_classes, clock)); // each object's class hook, in order
 *     TRY(notify_resumed(vm, downtime_ms));                 // System.onResumed subscribers
 *
 * The restart list holds its objects weakly (one Weak object each): an object that dies drops
 * off. An internal class gives its re-attach hook in its NativeClass (vm/VirtualMachine.h).
 * docs/persistence.md describes the whole restart contract.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <vm/VirtualMachine.h>

namespace VM {

// The heap root slot of the restart state (the VM's own root is VirtualMachine::heap_root_index).
constexpr u32 restart_state_root = 1;

// The restart state: a Raw object with these slots.
namespace RestartStateSlot {
    constexpr u32 list = 0;          // Array of Weak objects, in registration order
    constexpr u32 timers = 1;        // Array of the active Timers (held strongly: they fire)
    constexpr u32 subscribers = 2;   // Array of closures taking the downtime in milliseconds
    constexpr u32 resumes = 3;       // integer: how many times this VM was resumed
    constexpr u32 last_downtime = 4; // integer: milliseconds the world was away the last time
    constexpr u32 count = 5;
} // namespace RestartStateSlot

// The restart state, or nil while nothing has needed it.
[[nodiscard]] Value restart_state(VirtualMachine&);
ErrorOr<Value> ensure_restart_state(VirtualMachine&);
// The array in `slot` of the restart state, or nil.
[[nodiscard]] Value restart_state_array(VirtualMachine&, u32 slot);

// Puts an object of an internal class with a re-attach hook on the restart list.
ErrorOr<void> restart_list_add(VirtualMachine&, Value object);
// The live objects on the list.
[[nodiscard]] u32 restart_list_length(VirtualMachine&);

struct ReattachReport {
    u32 reattached {0};
    u32 failed {0}; // hooks that returned an error (reported through the host; the object stays)
};
// Runs the re-attach hook of every live object on the list, in registration order, and drops
// the dead ones. A failing hook is reported and does not stop the others.
ErrorOr<ReattachReport> reattach_restart_list(
    VirtualMachine&, Span<NativeClass const> extra_classes, ResumeClock const&);

// The internal-class descriptor (built-in, or one of `extra_classes`) of `klass` or of its
// nearest ancestor that is internal; null for classes of programs only.
[[nodiscard]] NativeClass const* native_class_for(Value klass, Span<NativeClass const> extra_classes);

// "Resumed after Δt" (System.onResumed): closures taking one argument, the downtime in ms.
ErrorOr<void> add_resume_subscriber(VirtualMachine&, Value closure);
bool remove_resume_subscriber(VirtualMachine&, Value closure);
// Records the resume and starts one thread per subscriber; returns how many.
ErrorOr<u32> notify_resumed(VirtualMachine&, u64 downtime_ms);

// A Restarted exception (an Error) with this message.
ErrorOr<Value> make_restarted(VirtualMachine&, StringView message);

// Timers (vm/natives/TimerNatives.cpp): the scheduler fires the due ones between time slices
// and sleeps no longer than the next deadline.
ErrorOr<void> fire_due_timers(VirtualMachine&);
[[nodiscard]] Optional<u64> next_timer_deadline(VirtualMachine&);

// The internal classes on the restart list, bound with the built-in ones (vm/natives/Core.cpp).
[[nodiscard]] Span<NativeClass const> timer_native_classes();
[[nodiscard]] Span<NativeClass const> channel_native_classes();

} // namespace VM
