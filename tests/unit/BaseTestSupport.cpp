/*
 * tests/unit/BaseTestSupport.cpp: the registry of test classes, the replaceable global
 * allocation functions with failure injection, and the fork/pipe helpers.
 */

#include "BaseTestSupport.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

std::atomic<long> s_nothrow_allocations {0};
std::atomic<long> s_successes_left {-1}; // -1: no failure injection
std::atomic<long> s_refused {0};

void* allocate(std::size_t size) { return std::malloc(size == 0 ? 1 : size); }

std::string read_all(int fd)
{
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t count = ::read(fd, buffer, sizeof(buffer));
        if (count <= 0)
            break;
        text.append(buffer, static_cast<std::size_t>(count));
    }
    return text;
}

} // namespace

// Every form of global new/delete goes through malloc/free so that they stay paired no
// matter which one a library calls (ASan intercepts malloc and still tracks everything).
void* operator new(std::size_t size)
{
    if (void* memory = allocate(size))
        return memory;
    std::abort();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, std::nothrow_t const&) noexcept
{
    ++s_nothrow_allocations;
    long left = s_successes_left.load();
    if (left == 0) {
        ++s_refused;
        return nullptr;
    }
    if (left > 0)
        --s_successes_left;
    return allocate(size);
}
void* operator new[](std::size_t size, std::nothrow_t const& tag) noexcept { return operator new(size, tag); }
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { std::free(memory); }

namespace BaseTests {

std::vector<std::pair<char const*, TestFactory>>& registry()
{
    static std::vector<std::pair<char const*, TestFactory>> s_registry;
    return s_registry;
}

Registration::Registration(char const* area, TestFactory factory) { registry().emplace_back(area, factory); }

AllocationFailureScope::AllocationFailureScope(long successes_before_failure)
{
    s_refused = 0;
    s_successes_left = successes_before_failure;
}

AllocationFailureScope::~AllocationFailureScope() { s_successes_left = -1; }

long AllocationFailureScope::failures() const { return s_refused.load(); }

long nothrow_allocation_count() { return s_nothrow_allocations.load(); }

ChildResult run_in_child(std::function<void()> const& body)
{
    ChildResult result;
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0)
        return result;
    std::fflush(nullptr);
    pid_t child = ::fork();
    if (child == 0) {
        // Qt Test's crash handler (stack dump through gdb, watchdog) belongs to the parent;
        // the child must simply die of the signal. The alarm bounds a child that hangs.
        for (int signal_number : {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGALRM})
            std::signal(signal_number, SIG_DFL);
        ::alarm(60);
        ::close(pipe_fds[0]);
        ::dup2(pipe_fds[1], STDERR_FILENO);
        body();
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    result.standard_error = QString::fromStdString(read_all(pipe_fds[0]));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (WIFEXITED(status)) {
        result.exited_normally = true;
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

QString capture_stderr(std::function<void()> const& body)
{
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0)
        return {};
    std::fflush(stderr);
    int saved = ::dup(STDERR_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    ::close(pipe_fds[1]);
    body();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::string text = read_all(pipe_fds[0]);
    ::close(pipe_fds[0]);
    return QString::fromStdString(text);
}

} // namespace BaseTests
