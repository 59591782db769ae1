/*
 * vm/world/ConsoleInput.h: typed lines for the world's VM. A reader thread of its own waits
 * on the port's Console (World.h), edits what arrives into lines (backspace, CR, LF, CR LF,
 * escape sequences of arrow keys dropped) and queues them natively; it never touches
 * persistent memory, so it is not a mutator and snapshots never wait for it. The VM's host
 * thread takes the lines (take_line) when it is told there is news (the listener event).
 *
 *     ConsoleInput input(console);
 *     TRY(input.start());
 *     input.set_listener(&wakeup);      // signalled for every complete line and at the end
 *     ... input.take_line(line) ...
 *     input.stop();                     // before the console goes away
 *
 * Echo is the terminal's business on the hosted port; on a serial line (Console::echoes_input)
 * the reader writes back what it accepted, "\b \b" for a backspace and CR LF for a line end.
 *
 * Ctrl-C (byte 0x03) drops the line being typed and is news too: take_interrupt() says it came,
 * and the session interrupts the console's evaluation if one is running (docs/shell.md).
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <base/Vector.h>
#include <kernel/hal/Threads.h>

namespace VM::World {

class Console;

class ConsoleInput {
public:
    explicit ConsoleInput(Console& console)
        : m_console(console)
    { }
    ~ConsoleInput() { stop(); }
    ConsoleInput(ConsoleInput const&) = delete;
    ConsoleInput& operator=(ConsoleInput const&) = delete;

    ErrorOr<void> start();
    void stop();

    // Who to wake when a line is complete or the input ends (the VM host thread's event).
    void set_listener(Hal::Event*);
    // Set by the reader whenever there is something to take; the VM thread clears it.
    [[nodiscard]] bool has_news() const { return __atomic_load_n(&m_news, __ATOMIC_ACQUIRE); }
    void clear_news() { __atomic_store_n(&m_news, false, __ATOMIC_RELEASE); }

    enum class Taken : u8 {
        Line,    // `line` holds the next line, without its line end
        Nothing, // no complete line yet
        Ended,   // no line, and the console will never give more
    };
    Taken take_line(String& line);
    // Whether Ctrl-C was typed since the last call (the reader also dropped the line being typed).
    [[nodiscard]] bool take_interrupt() { return __atomic_exchange_n(&m_interrupt, false, __ATOMIC_ACQ_REL); }

    // Longest line kept; the rest of a longer line is dropped.
    static constexpr usize max_line_length = 4096;

    // The line editor, one byte at a time (the reader thread's; public for tests). Returns
    // what to echo for it in `echo`.
    void accept_byte(u8 byte, StringBuilder& echo);

private:
    static void thread_entry(void*);
    void run();
    void finish_line(StringBuilder& echo);
    void notify();

    enum class Escape : u8 {
        None,
        Started,  // after ESC
        Sequence, // after ESC [ until a final byte
    };

    Console& m_console;
    Hal::Thread* m_thread {nullptr};
    Hal::Mutex m_mutex;
    // Under m_mutex: complete lines in order, the end of input, the listener.
    Vector<String> m_lines;
    bool m_ended {false};
    Hal::Event* m_listener {nullptr};
    // The reader thread's own line being edited.
    StringBuilder m_partial;
    bool m_after_carriage_return {false};
    Escape m_escape {Escape::None};
    bool m_news {false};
    bool m_interrupt {false};
    bool m_stopping {false};
};

} // namespace VM::World
