/*
 * vm/natives/ChannelNatives.cpp: Channel, a HAL byte channel (kernel/hal/Channel.h) by name:
 * `Channel.open("com2")`, then read(max), readLine(), write(text), wait(ms), name().
 *
 * A Channel object holds only the channel's name and the bytes received but not yet
 * consumed; the HAL channel itself is native and found by name on every call (the HAL keeps
 * it open). Natives that must wait block only their VM thread and poll the channel
 * (WakeUp::CallAgain, every poll_ns). Every Channel is on the restart list: after a restart
 * its hook opens the HAL channel of its name again before any VM thread runs, and a call
 * that was waiting follows its restart policy (read and readLine run again; write and wait
 * fail with Restarted, since bytes queued natively are lost and a timed wait's clock is gone).
 */
#include <kernel/hal/Channel.h>
#include <vm/Collections.h>
#include <vm/RestartList.h>
#include <vm/natives/Natives.h>

namespace VM {

namespace {

    namespace ChannelSlot {
        constexpr u32 name = 0;   // String
        constexpr u32 buffer = 1; // String of bytes received and not yet consumed, or nil
        constexpr u32 count = 2;
    } // namespace ChannelSlot

    constexpr StringView channel_fields[] = {"$name"sv, "$buffer"sv};
    constexpr u64 poll_ns = 10 * 1000 * 1000;
    constexpr usize chunk_size = 4096;
    constexpr i64 largest_read = 65536;
    constexpr u32 longest_line = 1024 * 1024;

    NativeResult out_of_memory() { return {NativeOutcome::Throw, Value::nil()}; }

    bool is_channel(VirtualMachine& vm, Value value)
    {
        Value klass = vm.find_class("Channel"sv);
        return is_kind(value, ObjectKind::Instance) && !klass.is_nil() && vm.is_instance_of(value, klass)
            && value.as_object()->slot_count >= ChannelSlot::count
            && is_kind(value.as_object()->slots()[ChannelSlot::name], ObjectKind::String);
    }

    StringView name_of(Value channel) { return text_of(channel.as_object()->slots()[ChannelSlot::name]); }

    StringView buffered(Value channel)
    {
        Value buffer = channel.as_object()->slots()[ChannelSlot::buffer];
        return is_kind(buffer, ObjectKind::String) ? text_of(buffer) : StringView {};
    }

    // The HAL channel of `channel`, or null with `failure` set to the exception to throw.
    Hal::Channel* hal_channel(VirtualMachine& vm, Value channel, StringView method, NativeResult& failure)
    {
        auto opened = Hal::open_channel(name_of(channel));
        if (!opened.is_error())
            return opened.value();
        failure
            = vm.throw_formatted(BuiltinClass::Error, "Channel.{}: the channel '{}' is not available ({})",
                method, name_of(channel), opened.error().message());
        return nullptr;
    }

    // Waits by polling: the native runs again after poll_ns (or when the VM is asked to retry).
    NativeResult poll_later(VirtualMachine& vm, Value channel, u64 deadline = 0)
    {
        u64 next = vm.host().monotonic_nanoseconds() + poll_ns;
        if (deadline != 0 && deadline < next)
            next = deadline;
        return vm.block_current_thread(ThreadState::Waiting, channel, next, WakeUp::CallAgain);
    }

    // Replaces the buffered bytes with `rest` (nil when empty).
    ErrorOr<void> set_buffer(VirtualMachine& vm, Value channel, StringView rest)
    {
        Handle keep(vm.heap(), channel);
        Value text = rest.is_empty() ? Value::nil() : TRY(vm.make_string(rest));
        vm.heap().write(keep.object(), ChannelSlot::buffer, text);
        return {};
    }

    NativeResult channel_open(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_string(arguments[1]) || text_of(arguments[1]).is_empty())
            return vm.throw_error(BuiltinClass::TypeError, "Channel.open expects the channel's name"sv);
        auto opened = Hal::open_channel(text_of(arguments[1]));
        if (opened.is_error())
            return vm.throw_formatted(BuiltinClass::Error, "Channel.open: there is no channel '{}' here ({})",
                text_of(arguments[1]), opened.error().message());
        if (!is_kind(arguments[0], ObjectKind::Class))
            return vm.throw_error(BuiltinClass::TypeError, "Channel.open is called on the Channel class"sv);
        auto instance = vm.make_instance(arguments[0]);
        if (instance.is_error())
            return out_of_memory();
        Handle keep(vm.heap(), instance.value());
        if (keep.object()->slot_count < ChannelSlot::count)
            return vm.throw_error(BuiltinClass::TypeError, "Channel.open makes channels only"sv);
        vm.heap().write(keep.object(), ChannelSlot::name, arguments[1]);
        if (restart_list_add(vm, keep.value()).is_error())
            return out_of_memory();
        return returning(keep.value());
    }

    // Up to `max` bytes as a String; waits until at least one byte is there.
    NativeResult channel_read(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_channel(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "read is a method of channels"sv);
        if (!arguments[1].is_integer() || arguments[1].as_integer() < 1
            || arguments[1].as_integer() > largest_read)
            return vm.throw_formatted(
                BuiltinClass::ArgumentError, "Channel.read expects a byte count from 1 to {}", largest_read);
        auto max = static_cast<usize>(arguments[1].as_integer());
        StringView pending = buffered(arguments[0]);
        if (!pending.is_empty()) {
            usize taken = min(max, pending.length());
            auto result = vm.make_string(pending.substring_view(0, taken));
            if (result.is_error())
                return out_of_memory();
            Handle keep(vm.heap(), result.value());
            if (set_buffer(vm, arguments[0], buffered(arguments[0]).substring_view(taken)).is_error())
                return out_of_memory();
            return returning(keep.value());
        }
        NativeResult failure;
        auto* channel = hal_channel(vm, arguments[0], "read"sv, failure);
        if (!channel)
            return failure;
        u8 bytes[chunk_size];
        auto received = channel->read(Bytes(bytes, min(max, chunk_size)));
        if (received.is_error())
            return vm.throw_formatted(BuiltinClass::Error, "Channel.read: {}", received.error().message());
        if (received.value() == 0)
            return poll_later(vm, arguments[0]);
        return returning(vm.make_string(StringView(reinterpret_cast<char const*>(bytes), received.value())));
    }

    // The next line without its line break ("\n" or "\r\n"); waits until a whole line is there.
    // The bytes of a line still incomplete stay in the channel's buffer.
    NativeResult channel_read_line(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_channel(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "readLine is a method of channels"sv);
        NativeResult failure;
        auto* channel = hal_channel(vm, arguments[0], "readLine"sv, failure);
        if (!channel)
            return failure;
        // A few chunks per call; a flood of bytes without a line break lets other threads run.
        for (int round = 0; round < 16; ++round) {
            StringView pending = buffered(arguments[0]);
            if (auto end = pending.find('\n'); end.has_value()) {
                usize length = end.value();
                if (length > 0 && pending[length - 1] == '\r')
                    --length;
                auto line = vm.make_string(pending.substring_view(0, length));
                if (line.is_error())
                    return out_of_memory();
                Handle keep(vm.heap(), line.value());
                if (set_buffer(vm, arguments[0], buffered(arguments[0]).substring_view(end.value() + 1))
                        .is_error())
                    return out_of_memory();
                return returning(keep.value());
            }
            if (pending.length() >= longest_line)
                return vm.throw_formatted(
                    BuiltinClass::Error, "Channel.readLine: no line break in {} bytes", pending.length());
            u8 bytes[chunk_size];
            auto received = channel->read(Bytes(bytes, chunk_size));
            if (received.is_error())
                return vm.throw_formatted(
                    BuiltinClass::Error, "Channel.readLine: {}", received.error().message());
            if (received.value() == 0)
                return poll_later(vm, arguments[0]);
            StringBuilder joined;
            if (joined.try_append(pending).is_error()
                || joined.try_append(StringView(reinterpret_cast<char const*>(bytes), received.value()))
                       .is_error()
                || set_buffer(vm, arguments[0], joined.string_view()).is_error())
                return out_of_memory();
        }
        return poll_later(vm, arguments[0], vm.host().monotonic_nanoseconds());
    }

    // Sends the whole text, waiting while the channel's buffer is full. While it waits, the
    // argument slot holds the part still to send.
    NativeResult channel_write(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_channel(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "write is a method of channels"sv);
        if (!is_string(arguments[1]))
            return vm.throw_error(BuiltinClass::TypeError, "Channel.write expects a string"sv);
        NativeResult failure;
        auto* channel = hal_channel(vm, arguments[0], "write"sv, failure);
        if (!channel)
            return failure;
        StringView text = text_of(arguments[1]);
        auto sent = channel->write(ReadonlyBytes(
            reinterpret_cast<u8 const*>(text.characters_without_null_termination()), text.length()));
        if (sent.is_error())
            return vm.throw_formatted(BuiltinClass::Error, "Channel.write: {}", sent.error().message());
        if (sent.value() == text.length())
            return returning(Value::nil());
        auto rest = vm.make_string(text.substring_view(sent.value()));
        if (rest.is_error())
            return out_of_memory();
        arguments[1] = rest.value();
        return poll_later(vm, arguments[0]);
    }

    // Whether input is there within `ms` milliseconds. While it waits, the argument slot holds
    // the absolute deadline in a Raw object (which programs cannot make, so it is never mistaken
    // for their argument).
    NativeResult channel_wait(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_channel(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "wait is a method of channels"sv);
        u64 now = vm.host().monotonic_nanoseconds();
        u64 deadline;
        if (is_kind(arguments[1], ObjectKind::Raw) && arguments[1].as_object()->slot_count == 1
            && arguments[1].as_object()->slots()[0].is_integer()) {
            deadline = static_cast<u64>(arguments[1].as_object()->slots()[0].as_integer());
        } else {
            if (!is_number(vm, arguments[1]) || !(number_of(arguments[1]) >= 0)
                || number_of(arguments[1]) > 1e12)
                return vm.throw_error(
                    BuiltinClass::ArgumentError, "Channel.wait expects milliseconds (0 or more)"sv);
            deadline = now + static_cast<u64>(number_of(arguments[1]) * 1e6);
        }
        if (!buffered(arguments[0]).is_empty())
            return returning(vm.true_value());
        NativeResult failure;
        auto* channel = hal_channel(vm, arguments[0], "wait"sv, failure);
        if (!channel)
            return failure;
        if (channel->wait(Hal::ChannelCondition::Readable, 0))
            return returning(vm.true_value());
        if (now >= deadline)
            return returning(vm.false_value());
        if (!is_kind(arguments[1], ObjectKind::Raw)) {
            auto holder = vm.heap().allocate(vm.builtin_class(BuiltinClass::Raw), ObjectKind::Raw, 1, 0);
            if (holder.is_error())
                return out_of_memory();
            holder.value()->slots()[0] = Value::integer(static_cast<i64>(deadline));
            arguments[1] = holder.value()->as_value();
        }
        return poll_later(vm, arguments[0], deadline);
    }

    NativeResult channel_name(VirtualMachine& vm, Value* arguments, u32)
    {
        if (!is_channel(vm, arguments[0]))
            return vm.throw_error(BuiltinClass::TypeError, "name is a method of channels"sv);
        return returning(arguments[0].as_object()->slots()[ChannelSlot::name]);
    }

    // After a restart: the HAL channel of the same name is opened again.
    ErrorOr<void> channel_reattach(VirtualMachine& vm, Value channel, ResumeClock const&)
    {
        if (!is_channel(vm, channel))
            return Error::with_message(ErrorCode::Corrupted, "the channel has no name"sv);
        TRY(Hal::open_channel(name_of(channel)));
        return {};
    }

    constexpr NativeMethod channel_methods[] = {
        {"open"sv, NativeKind::Static, 1, channel_open},
        {"name"sv, NativeKind::Instance, 0, channel_name},
        {"read"sv, NativeKind::Instance, 1, channel_read, RestartPolicy::Reexecute},
        {"readLine"sv, NativeKind::Instance, 0, channel_read_line, RestartPolicy::Reexecute},
        {"write"sv, NativeKind::Instance, 1, channel_write, RestartPolicy::Fail},
        {"wait"sv, NativeKind::Instance, 1, channel_wait, RestartPolicy::Fail},
    };

    constexpr NativeClass channel_classes[] = {
        {"Channel"sv, ""sv, channel_fields, channel_methods, channel_reattach},
    };

} // namespace

Span<NativeClass const> channel_native_classes() { return channel_classes; }

} // namespace VM
