/*
 * kernel/hosted/UnixSocketChannel.h: the hosted port's Hal::Channel: a unix stream socket
 * that Phantom listens on, with one peer at a time (a newer peer replaces the old one).
 *
 * There is no I/O thread: every call (read, write, wait, pending_output) first moves bytes
 * between the socket and the two 64 KiB buffers without blocking, and wait() sleeps in
 * poll(). Bytes are read from the socket only while the receive buffer has room, so a fast
 * peer is held back by the kernel's socket buffers, never dropped.
 */
#pragma once

#include <base/OwnPtr.h>
#include <kernel/hal/Channel.h>

#include <pthread.h>

namespace Hosted {

class UnixSocketChannel final : public Hal::Channel {
public:
    // Listens at `path` (an old socket file there is replaced) as channel `name`.
    static ErrorOr<NonnullOwnPtr<UnixSocketChannel>> listen(StringView name, StringView path);
    ~UnixSocketChannel() override;

    StringView name() const override { return {m_name, m_name_length}; }
    ErrorOr<usize> read(Bytes) override;
    ErrorOr<usize> write(ReadonlyBytes) override;
    bool wait(Hal::ChannelCondition, u64 deadline_ns) override;
    usize pending_output() const override;

    // Whether a peer is connected right now.
    bool has_peer() const;

private:
    static constexpr usize buffer_capacity = 65536;

    struct Buffer {
        u8 bytes[buffer_capacity];
        usize start {0};
        usize size {0};
        usize free_space() const { return buffer_capacity - size; }
        usize push(u8 const*, usize);
        usize pop(u8*, usize);
    };

    UnixSocketChannel() = default;
    // Accepts, sends and receives what can be done without blocking. Lock held.
    void pump();
    void drop_peer();

    int m_listen_fd {-1};
    int m_peer_fd {-1};
    char m_name[64] {};
    usize m_name_length {0};
    char m_path[108] {};
    mutable pthread_mutex_t m_lock = PTHREAD_MUTEX_INITIALIZER;
    Buffer m_receive;
    Buffer m_transmit;
};

} // namespace Hosted
