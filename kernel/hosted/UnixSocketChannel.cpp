/*
 * kernel/hosted/UnixSocketChannel.cpp: a listening unix socket as a byte channel.
 */
#include <base/Log.h>
#include <kernel/hosted/UnixSocketChannel.h>

#include <errno.h>
#include <fcntl.h>
#include <new>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace Hosted {

namespace {

    class Locker {
    public:
        explicit Locker(pthread_mutex_t& lock)
            : m_lock(lock)
        {
            pthread_mutex_lock(&m_lock);
        }
        ~Locker() { pthread_mutex_unlock(&m_lock); }

    private:
        pthread_mutex_t& m_lock;
    };

} // namespace

usize UnixSocketChannel::Buffer::push(u8 const* data, usize length)
{
    usize count = length < free_space() ? length : free_space();
    for (usize i = 0; i < count; ++i)
        bytes[(start + size + i) % buffer_capacity] = data[i];
    size += count;
    return count;
}

usize UnixSocketChannel::Buffer::pop(u8* data, usize length)
{
    usize count = length < size ? length : size;
    for (usize i = 0; i < count; ++i)
        data[i] = bytes[(start + i) % buffer_capacity];
    start = (start + count) % buffer_capacity;
    size -= count;
    return count;
}

ErrorOr<NonnullOwnPtr<UnixSocketChannel>> UnixSocketChannel::listen(StringView name, StringView path)
{
    auto channel = TRY(adopt_nonnull_own_or_enomem(new (std::nothrow) UnixSocketChannel));
    if (name.length() > sizeof(channel->m_name) || path.length() + 1 > sizeof(channel->m_path))
        return Error::from_code(ErrorCode::InvalidArgument);
    __builtin_memcpy(channel->m_name, name.characters_without_null_termination(), name.length());
    channel->m_name_length = name.length();
    __builtin_memcpy(channel->m_path, path.characters_without_null_termination(), path.length());

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return Error::from_code(ErrorCode::IoFailure);
    channel->m_listen_fd = fd;
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    __builtin_memcpy(address.sun_path, channel->m_path, path.length() + 1);
    unlink(channel->m_path);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 || ::listen(fd, 4) < 0)
        return Error::from_string_literal("cannot listen on the channel's unix socket path");
    return channel;
}

UnixSocketChannel::~UnixSocketChannel()
{
    if (m_peer_fd >= 0)
        close(m_peer_fd);
    if (m_listen_fd >= 0) {
        close(m_listen_fd);
        unlink(m_path);
    }
}

void UnixSocketChannel::drop_peer()
{
    close(m_peer_fd);
    m_peer_fd = -1;
}

void UnixSocketChannel::pump()
{
    // A new peer replaces the old one; what the old one had not taken is discarded.
    int fresh = accept4(m_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fresh >= 0) {
        if (m_peer_fd >= 0)
            drop_peer();
        m_peer_fd = fresh;
    }
    if (m_peer_fd < 0)
        return;
    while (m_transmit.size > 0) {
        usize contiguous = buffer_capacity - m_transmit.start;
        usize length = m_transmit.size < contiguous ? m_transmit.size : contiguous;
        ssize_t sent = send(m_peer_fd, m_transmit.bytes + m_transmit.start, length, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (sent <= 0) {
            drop_peer();
            return;
        }
        m_transmit.start = (m_transmit.start + usize(sent)) % buffer_capacity;
        m_transmit.size -= usize(sent);
    }
    while (m_receive.free_space() > 0) {
        usize end = (m_receive.start + m_receive.size) % buffer_capacity;
        usize contiguous = buffer_capacity - end;
        usize length = m_receive.free_space() < contiguous ? m_receive.free_space() : contiguous;
        ssize_t received = recv(m_peer_fd, m_receive.bytes + end, length, 0);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (received <= 0) {
            drop_peer(); // the peer hung up
            return;
        }
        m_receive.size += usize(received);
    }
}

ErrorOr<usize> UnixSocketChannel::read(Bytes bytes)
{
    Locker locker(m_lock);
    pump();
    usize count = m_receive.pop(bytes.data(), bytes.size());
    if (count)
        pump();
    return count;
}

ErrorOr<usize> UnixSocketChannel::write(ReadonlyBytes bytes)
{
    Locker locker(m_lock);
    usize count = m_transmit.push(bytes.data(), bytes.size());
    pump();
    return count;
}

usize UnixSocketChannel::pending_output() const
{
    Locker locker(m_lock);
    const_cast<UnixSocketChannel*>(this)->pump();
    return m_transmit.size;
}

bool UnixSocketChannel::has_peer() const
{
    Locker locker(m_lock);
    const_cast<UnixSocketChannel*>(this)->pump();
    return m_peer_fd >= 0;
}

bool UnixSocketChannel::wait(Hal::ChannelCondition condition, u64 deadline_ns)
{
    for (;;) {
        pollfd descriptors[2] {};
        nfds_t count = 0;
        {
            Locker locker(m_lock);
            pump();
            bool holds = condition == Hal::ChannelCondition::Readable ? m_receive.size > 0
                                                                      : m_transmit.free_space() > 0;
            if (holds)
                return true;
            descriptors[count++] = {m_listen_fd, POLLIN, 0};
            if (m_peer_fd >= 0) {
                short events = 0;
                if (m_receive.free_space() > 0)
                    events |= POLLIN;
                if (m_transmit.size > 0)
                    events |= POLLOUT;
                descriptors[count++] = {m_peer_fd, events, 0};
            }
        }
        int timeout_ms = -1;
        if (deadline_ns != Hal::no_deadline) {
            u64 now = Hal::monotonic_nanoseconds();
            if (now >= deadline_ns)
                return false;
            u64 remaining_ms = (deadline_ns - now + 999'999) / 1'000'000;
            timeout_ms = remaining_ms > 60'000 ? 60'000 : int(remaining_ms);
        }
        poll(descriptors, count, timeout_ms);
    }
}

} // namespace Hosted
