/*
 * The two hooks base/ expects from the port it runs on, for host programs: log lines go to
 * stderr in one write() each (so lines from several threads never interleave), and a failed
 * VERIFY prints where it failed and aborts so that a debugger or a core dump can take over.
 */
#include <base/Assertions.h>
#include <base/Log.h>
#include <base/StringView.h>

#include <stdlib.h>
#include <unistd.h>

namespace Base {

static void write_all(int fd, char const* data, usize length)
{
    while (length > 0) {
        ssize_t written = ::write(fd, data, length);
        if (written <= 0)
            return;
        data += written;
        length -= static_cast<usize>(written);
    }
}

void log_write_line(StringView line)
{
    char buffer[1024];
    usize length = min(line.length(), sizeof(buffer) - 1);
    __builtin_memcpy(buffer, line.characters_without_null_termination(), length);
    buffer[length++] = '\n';
    write_all(STDERR_FILENO, buffer, length);
}

void verification_failed(char const* expression, char const* file, unsigned line, char const* function)
{
    logln("VERIFY({}) failed at {}:{} in {}", expression, file, line, function);
    abort();
}

} // namespace Base
