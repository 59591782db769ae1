/*
 * vm/Restart.cpp: restart() and the thread listing used after re-attaching to a heap image.
 */
#include <vm/Restart.h>

namespace VM {

StringView thread_state_name(ThreadState state)
{
    switch (state) {
    case ThreadState::Runnable:
        return "Runnable"sv;
    case ThreadState::Blocked:
        return "Blocked"sv;
    case ThreadState::Waiting:
        return "Waiting"sv;
    case ThreadState::Sleeping:
        return "Sleeping"sv;
    case ThreadState::Joining:
        return "Joining"sv;
    case ThreadState::Finished:
        return "Finished"sv;
    case ThreadState::Failed:
        return "Failed"sv;
    }
    return "Unknown"sv;
}

ErrorOr<Vector<ThreadInfo>> list_threads(VirtualMachine& vm)
{
    Vector<ThreadInfo> result;
    for (auto thread : vm.threads()) {
        if (!is_kind(thread, ObjectKind::Thread) || thread.as_object()->slot_count < ThreadSlot::count)
            return Error::with_message(
                ErrorCode::Corrupted, "The VM's thread list holds something that is not a thread."sv);
        auto const* slots = thread.as_object()->slots();
        ThreadInfo info;
        info.thread = thread;
        info.identifier
            = slots[ThreadSlot::identifier].is_integer() ? slots[ThreadSlot::identifier].as_integer() : -1;
        if (is_kind(slots[ThreadSlot::name], ObjectKind::String))
            info.name = TRY(String::from_view(text_of(slots[ThreadSlot::name])));
        i64 state = slots[ThreadSlot::state].is_integer() ? slots[ThreadSlot::state].as_integer() : -1;
        if (state < 0 || state > static_cast<i64>(ThreadState::Failed))
            return Error::with_message(
                ErrorCode::Corrupted, "A VM thread in the image has an unknown state."sv);
        info.state = static_cast<ThreadState>(state);
        // Walk the frame chain through the caller links (slot indices inside the Stack).
        Value stack = slots[ThreadSlot::stack];
        if (is_kind(stack, ObjectKind::Stack) && slots[ThreadSlot::frame].is_integer()) {
            auto const* stack_slots = stack.as_object()->slots();
            i64 frame = slots[ThreadSlot::frame].as_integer();
            u32 limit = stack.as_object()->slot_count;
            while (frame >= 0 && static_cast<u64>(frame) + FrameSlot::count <= limit
                && info.frame_depth < limit) {
                info.frame_depth++;
                Value caller = stack_slots[frame + FrameSlot::caller_frame];
                frame = caller.is_integer() ? caller.as_integer() : -1;
            }
        }
        TRY(result.try_append(move(info)));
    }
    return result;
}

ErrorOr<RestartedVM> restart(void* base, usize size, Host& host, RestartOptions const& options)
{
    auto heap = TRY(Heap::attach(base, size, options.heap));
    if (options.check == ImageCheck::Full)
        TRY(heap->verify());
    auto vm = TRY(VirtualMachine::attach(*heap, host, options.vm, options.extra_classes));
    auto threads = TRY(list_threads(*vm));
    return RestartedVM {move(heap), move(vm), move(threads)};
}

} // namespace VM
