/*
 * kernel/hosted/HostedPower.cpp: kernel/hal/Power.h on Linux. The signal handler only writes
 * a byte to a pipe (async-signal-safe); waiters poll the pipe. A second signal while the
 * shutdown is under way ends the process at once, as users expect from a second Ctrl+C.
 */
#include <kernel/hal/Power.h>
#include <kernel/hosted/HostedPower.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <unistd.h>

namespace {

int s_pipe[2] {-1, -1};
bool s_requested {false};
std::once_flag s_pipe_once;

void create_pipe()
{
    std::call_once(s_pipe_once, [] {
        if (pipe2(s_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
            s_pipe[0] = s_pipe[1] = -1;
    });
}

void note_request()
{
    if (__atomic_exchange_n(&s_requested, true, __ATOMIC_ACQ_REL))
        return;
    if (s_pipe[1] >= 0) {
        char byte = 1;
        (void)!write(s_pipe[1], &byte, 1);
    }
}

void handle_signal(int)
{
    if (__atomic_load_n(&s_requested, __ATOMIC_ACQUIRE))
        _exit(130);
    note_request();
}

} // namespace

namespace Hosted {

void install_shutdown_signals()
{
    create_pipe();
    struct sigaction action { };
    action.sa_handler = handle_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (int signal_number : {SIGTERM, SIGINT, SIGHUP})
        sigaction(signal_number, &action, nullptr);
}

} // namespace Hosted

namespace Hal {

bool wait_for_shutdown_request(u64 deadline_ns)
{
    create_pipe();
    while (!is_shutdown_requested()) {
        u64 now = monotonic_nanoseconds();
        if (deadline_ns != no_deadline && now >= deadline_ns)
            return false;
        int timeout_ms = -1;
        if (deadline_ns != no_deadline)
            timeout_ms = static_cast<int>((deadline_ns - now + 999'999) / 1'000'000);
        pollfd descriptor {s_pipe[0], POLLIN, 0};
        // The byte stays in the pipe, so every waiter wakes.
        if (poll(&descriptor, 1, timeout_ms) < 0 && errno != EINTR)
            return is_shutdown_requested();
    }
    return true;
}

bool is_shutdown_requested() { return __atomic_load_n(&s_requested, __ATOMIC_ACQUIRE); }

void request_shutdown()
{
    create_pipe();
    note_request();
}

void power_off()
{
    // Buffered log output must not be lost on the way out.
    std::exit(0);
}

} // namespace Hal
