/*
 * hosted.console_input: the world's console reader (vm/world/ConsoleInput.h) over a scripted
 * console: the line editor (backspace and DEL over UTF-8, CR, LF and CR LF, Ctrl-C, escape
 * sequences, the length limit) with what it echoes, and the reader thread handing lines and
 * the end of input to a listener.
 */
#include <QTest>

#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <vm/world/ConsoleInput.h>
#include <vm/world/World.h>

#include <string>

namespace {

// A console whose input is a script the test fills, under a mutex (the reader thread reads it).
class ScriptedConsole final : public VM::World::Console {
public:
    void write_output(StringView text) override
    {
        Hal::MutexLocker locker(m_mutex);
        m_output.append(text.characters_without_null_termination(), text.length());
    }
    void write_error(StringView) override { }
    usize read_input(Bytes buffer) override
    {
        Hal::MutexLocker locker(m_mutex);
        usize count = std::min(buffer.size(), m_script.size());
        for (usize i = 0; i < count; ++i)
            buffer[i] = static_cast<u8>(m_script[i]);
        m_script.erase(0, count);
        return count;
    }
    bool wait_for_input(u64 deadline_ns) override
    {
        while (Hal::monotonic_nanoseconds() < deadline_ns) {
            {
                Hal::MutexLocker locker(m_mutex);
                if (!m_script.empty())
                    return true;
            }
            Hal::sleep_for(Hal::nanoseconds_per_millisecond);
        }
        return false;
    }
    bool input_ended() override
    {
        Hal::MutexLocker locker(m_mutex);
        return m_ended && m_script.empty();
    }
    bool echoes_input() const override { return true; }

    void type(std::string const& text)
    {
        Hal::MutexLocker locker(m_mutex);
        m_script += text;
    }
    void end()
    {
        Hal::MutexLocker locker(m_mutex);
        m_ended = true;
    }
    std::string output()
    {
        Hal::MutexLocker locker(m_mutex);
        return m_output;
    }

private:
    Hal::Mutex m_mutex;
    std::string m_script;
    std::string m_output;
    bool m_ended {false};
};

struct Edited {
    QStringList lines;
    QString echo;
};

Edited edit(std::string const& bytes)
{
    ScriptedConsole console;
    VM::World::ConsoleInput input(console);
    StringBuilder echo;
    for (char byte : bytes)
        input.accept_byte(static_cast<u8>(byte), echo);
    Edited edited;
    edited.echo = QString::fromUtf8(echo.string_view().characters_without_null_termination(),
        static_cast<qsizetype>(echo.string_view().length()));
    String line;
    while (input.take_line(line) == VM::World::ConsoleInput::Taken::Line)
        edited.lines.append(QString::fromUtf8(
            line.view().characters_without_null_termination(), static_cast<qsizetype>(line.view().length())));
    return edited;
}

} // namespace

class ConsoleInputTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void editing()
    {
        auto typed = edit("ab\x7f"
                          "c\r\n");
        QCOMPARE(typed.lines, QStringList {"ac"});
        QCOMPARE(typed.echo, QString("ab\b \bc\r\n"));
        // CR, LF and CR LF each end one line; an empty line is a line.
        QCOMPARE(edit("x\ny\rz\r\n\n").lines, (QStringList {"x", "y", "z", ""}));
        // Backspace (0x08) like DEL, and never past the start of the line.
        QCOMPARE(edit("\x08\x08q\x08r\n").lines, QStringList {"r"});
        // One UTF-8 character goes at a time.
        QCOMPARE(edit("a\xc3\xa9\x7f\n").lines, QStringList {"a"});
        // Arrow keys (ESC [ A, ESC O B) are dropped, Ctrl-C drops the line.
        QCOMPARE(edit("\x1b[Aok\x1bOB!\n").lines, QStringList {"ok!"});
        auto cancelled = edit("abc\x03"
                              "def\n");
        QCOMPARE(cancelled.lines, QStringList {"def"});
        QVERIFY(cancelled.echo.contains("^C\r\n"));
        // Other control bytes are ignored; tabs are kept.
        QCOMPARE(edit("a\x01\tb\n").lines, QStringList {"a\tb"});
        // A line longer than the limit keeps its start.
        std::string longer(VM::World::ConsoleInput::max_line_length + 100, 'x');
        auto cut = edit(longer + "\n");
        QCOMPARE(cut.lines.size(), 1);
        QCOMPARE(static_cast<usize>(cut.lines[0].size()), VM::World::ConsoleInput::max_line_length);
    }

    void readerThread()
    {
        ScriptedConsole console;
        VM::World::ConsoleInput input(console);
        Hal::Event news;
        input.set_listener(&news);
        QVERIFY(!input.start().is_error());
        console.type("first\r\nsec");
        String line;
        // Generous deadlines: nothing here measures time.
        u64 deadline = Hal::monotonic_nanoseconds() + 60 * Hal::nanoseconds_per_second;
        while (input.take_line(line) != VM::World::ConsoleInput::Taken::Line
            && Hal::monotonic_nanoseconds() < deadline)
            (void)news.wait(Hal::monotonic_nanoseconds() + 100 * Hal::nanoseconds_per_millisecond);
        QCOMPARE(QString::fromUtf8(line.view().characters_without_null_termination(),
                     static_cast<qsizetype>(line.view().length())),
            QString("first"));
        QVERIFY(input.has_news());
        QCOMPARE(input.take_line(line), VM::World::ConsoleInput::Taken::Nothing);
        console.type("ond\n");
        console.end();
        QStringList rest;
        VM::World::ConsoleInput::Taken taken = VM::World::ConsoleInput::Taken::Nothing;
        while (taken != VM::World::ConsoleInput::Taken::Ended && Hal::monotonic_nanoseconds() < deadline) {
            taken = input.take_line(line);
            if (taken == VM::World::ConsoleInput::Taken::Line)
                rest.append(QString::fromUtf8(line.view().characters_without_null_termination(),
                    static_cast<qsizetype>(line.view().length())));
            else if (taken == VM::World::ConsoleInput::Taken::Nothing)
                (void)news.wait(Hal::monotonic_nanoseconds() + 100 * Hal::nanoseconds_per_millisecond);
        }
        QCOMPARE(rest, QStringList {"second"});
        QCOMPARE(taken, VM::World::ConsoleInput::Taken::Ended);
        input.stop();
        QCOMPARE(QString::fromStdString(console.output()), QString("first\r\nsecond\r\n"));
    }
};

QTEST_GUILESS_MAIN(ConsoleInputTest)
#include "ConsoleInputTest.moc"
