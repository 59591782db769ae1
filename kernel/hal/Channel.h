/*
 * kernel/hal/Channel.h: byte channels of the HAL: named, bidirectional byte streams to
 * the outside world (the log, a serial line, the IDE's port), non-blocking and buffered.
 *
 * read() and write() never block: they move what they can between the caller and the
 * channel's buffers and say how much. wait() blocks until the channel is readable or
 * writable, or a deadline passes. Bytes arrive in order and are never dropped while the
 * buffers are full: the peer is held back instead (flow control), except on the log.
 *
 * Names, with the pc / hosted backing:
 *   "log"              COM1 (the kernel log; write only) / stderr
 *   "com2"             the second 16550 UART / a unix socket
 *   "org.phantom.ide"  the virtio-console port of that name / a unix socket
 * A hosted channel other than "log" is a unix socket the port listens on, at the path given
 * by `channel.NAME=PATH` on the command line or PHANTOM_CHANNEL_<NAME> in the environment
 * (NAME upper-cased, '.' -> '_'); it accepts one peer at a time, and a new peer replaces an
 * old one. Until a peer is there, reads find nothing and writes fill the buffer.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <base/StringView.h>
#include <base/Types.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>

namespace Hal {

// What wait() waits for.
enum class ChannelCondition : u8 {
    Readable, // at least one byte can be read
    Writable, // at least one byte can be written
};

class Channel {
public:
    virtual ~Channel() = default;

    // The channel's name ("com2", ...).
    virtual StringView name() const = 0;
    // Copies up to bytes.size() received bytes into `bytes`; returns how many (0: none yet).
    virtual ErrorOr<usize> read(Bytes bytes) = 0;
    // Queues up to bytes.size() bytes for sending; returns how many were taken (0: the
    // buffer is full, wait for Writable).
    virtual ErrorOr<usize> write(ReadonlyBytes bytes) = 0;
    // Waits until `condition` holds or Hal::monotonic_nanoseconds() reaches `deadline_ns`
    // (Hal::no_deadline: forever); returns whether it holds. Never waits when it holds already.
    virtual bool wait(ChannelCondition condition, u64 deadline_ns) = 0;
    // Bytes queued by write() that have not yet left the machine.
    virtual usize pending_output() const = 0;
};

// The channel called `name`, opened on first use and shared by every caller afterwards.
// NotFound when the machine has no such channel (e.g. no virtio-console port of that name).
ErrorOr<Channel*> open_channel(StringView name);

} // namespace Hal
