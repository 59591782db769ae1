/*
 * vm/world/ConsoleInput.cpp: the console reader thread and its line editor (ConsoleInput.h).
 */
#include <kernel/hal/Time.h>
#include <vm/world/ConsoleInput.h>
#include <vm/world/World.h>

namespace VM::World {

namespace {
    // How long the reader waits for input before looking whether it should stop.
    constexpr u64 poll_ns = 100 * Hal::nanoseconds_per_millisecond;
} // namespace

ErrorOr<void> ConsoleInput::start()
{
    Hal::ThreadOptions options;
    options.name = "console input"sv;
    m_thread = TRY(Hal::create_thread(thread_entry, this, options));
    return {};
}

void ConsoleInput::stop()
{
    if (!m_thread)
        return;
    __atomic_store_n(&m_stopping, true, __ATOMIC_RELEASE);
    Hal::join_thread(m_thread);
    m_thread = nullptr;
}

void ConsoleInput::set_listener(Hal::Event* listener)
{
    Hal::MutexLocker locker(m_mutex);
    m_listener = listener;
}

ConsoleInput::Taken ConsoleInput::take_line(String& line)
{
    Hal::MutexLocker locker(m_mutex);
    if (!m_lines.is_empty()) {
        line = move(m_lines[0]);
        m_lines.remove(0);
        return Taken::Line;
    }
    return m_ended ? Taken::Ended : Taken::Nothing;
}

void ConsoleInput::thread_entry(void* argument) { static_cast<ConsoleInput*>(argument)->run(); }

void ConsoleInput::run()
{
    u8 buffer[256];
    while (!__atomic_load_n(&m_stopping, __ATOMIC_ACQUIRE)) {
        (void)m_console.wait_for_input(Hal::monotonic_nanoseconds() + poll_ns);
        usize count = m_console.read_input(Bytes(buffer, sizeof(buffer)));
        if (count == 0) {
            if (m_console.input_ended()) {
                {
                    Hal::MutexLocker locker(m_mutex);
                    if (m_ended)
                        continue;
                    m_ended = true;
                }
                notify();
            }
            continue;
        }
        StringBuilder echo;
        for (usize i = 0; i < count; ++i)
            accept_byte(buffer[i], echo);
        if (m_console.echoes_input() && !echo.is_empty())
            m_console.write_output(echo.string_view());
    }
}

void ConsoleInput::notify()
{
    __atomic_store_n(&m_news, true, __ATOMIC_RELEASE);
    Hal::MutexLocker locker(m_mutex);
    if (m_listener)
        m_listener->signal();
}

void ConsoleInput::finish_line(StringBuilder& echo)
{
    (void)echo.try_append("\r\n"sv);
    auto line = String::from_view(m_partial.string_view());
    m_partial.clear();
    if (line.is_error())
        return;
    {
        Hal::MutexLocker locker(m_mutex);
        if (m_lines.try_append(line.release_value()).is_error())
            return;
    }
    notify();
}

void ConsoleInput::accept_byte(u8 byte, StringBuilder& echo)
{
    bool after_carriage_return = m_after_carriage_return;
    m_after_carriage_return = false;
    // Arrow and function keys send ESC [ ... final-byte: the shell has no line history, so
    // they are dropped rather than typed as text.
    if (m_escape == Escape::Started) {
        m_escape = byte == '[' || byte == 'O' ? Escape::Sequence : Escape::None;
        return;
    }
    if (m_escape == Escape::Sequence) {
        if (byte >= 0x40 && byte <= 0x7e)
            m_escape = Escape::None;
        return;
    }
    switch (byte) {
    case '\r':
        m_after_carriage_return = true;
        finish_line(echo);
        return;
    case '\n':
        // CR LF is one line end.
        if (!after_carriage_return)
            finish_line(echo);
        return;
    case 0x08:
    case 0x7f: {
        if (m_partial.is_empty())
            return;
        // Remove one UTF-8 character: continuation bytes, then its first byte.
        auto text = m_partial.string_view();
        usize length = text.length();
        while (length > 0 && (static_cast<u8>(text[length - 1]) & 0xc0) == 0x80)
            --length;
        if (length > 0)
            --length;
        auto kept = String::from_view(text.substring_view(0, length));
        m_partial.clear();
        if (!kept.is_error())
            (void)m_partial.try_append(kept.value().view());
        (void)echo.try_append("\b \b"sv);
        return;
    }
    case 0x03:
        // Ctrl-C drops the line being typed and interrupts a running evaluation (the session
        // looks at take_interrupt() at the VM's next time-slice boundary).
        m_partial.clear();
        (void)echo.try_append("^C\r\n"sv);
        __atomic_store_n(&m_interrupt, true, __ATOMIC_RELEASE);
        notify();
        return;
    case 0x1b:
        m_escape = Escape::Started;
        return;
    default:
        break;
    }
    if (byte < 0x20 && byte != '\t')
        return;
    if (m_partial.length() >= max_line_length)
        return;
    (void)m_partial.try_append(static_cast<char>(byte));
    (void)echo.try_append(static_cast<char>(byte));
}

} // namespace VM::World
