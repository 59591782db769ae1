/*
 * hosted.shell*: the object shell (shell/system.ph) driven through phantom-hosted's stdin and
 * stdout, as a person at the terminal would: one line in, the answer up to the next prompt
 * out. The log (stderr) is kept apart and only read for diagnostics.
 *
 *   shell           evaluation (arithmetic, var, classes and their hot reload, method calls on
 *                   live objects), a syntax error with its caret and a runtime error with its
 *                   trace each followed by a working input, Ctrl-C interrupting a busy loop and
 *                   a sleep, ls/cd/inspect, threads, snapshot and generations, help
 *   shell_persist   a variable and an object defined at the prompt, a snapshot, SIGKILL: the
 *                   next boot resumes the shell and they are there
 *   shell_rollback  x = 1, snapshot, x = 2 and a new class, snapshot, rollback to the first:
 *                   x is 1 again and the class is gone, in the same process
 */
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr auto prompt = "phantom> ";
constexpr auto continuation = "... ";

bool make_disk(QString const& path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.resize(64 * 1024 * 1024);
}

// One phantom-hosted process running the shell world on `disk`.
class ShellProcess {
public:
    explicit ShellProcess(QString const& disk)
    {
        m_process.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE),
            {"disk=" + disk, "world=" + QStringLiteral(PHANTOM_SHELL_PROGRAM), "snapshot_ms=0"});
    }
    ~ShellProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(30'000);
        }
    }

    // Everything printed up to the first prompt (the banner or the resume note).
    bool start(QString& greeting)
    {
        if (!m_process.waitForStarted(30'000))
            return false;
        return read_to_prompt(greeting);
    }

    // Sends one line; the answer is what the shell printed before its next prompt (`expected`:
    // the prompt for the rest of an unfinished input).
    QString send(QString const& line, char const* expected = prompt)
    {
        m_process.write((line + "\n").toUtf8());
        m_process.waitForBytesWritten(30'000);
        QString answer;
        if (!read_to_prompt(answer, expected))
            return "(no prompt came back) " + answer + "\nlog:\n" + log();
        return answer;
    }

    // Sends bytes as they are (Ctrl-C is 0x03) without waiting for an answer.
    void write_raw(QByteArray const& bytes)
    {
        m_process.write(bytes);
        m_process.waitForBytesWritten(30'000);
    }

    // What the shell prints up to `expected` (a line an input prints, or the prompt).
    QString read_until(char const* expected = prompt)
    {
        QString answer;
        if (!read_to_prompt(answer, expected))
            return "(no '" + QString(expected) + "' came) " + answer + "\nlog:\n" + log();
        return answer;
    }

    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(30'000);
    }

    QString log()
    {
        m_log += QString::fromUtf8(m_process.readAllStandardError());
        return m_log;
    }

private:
    bool read_to_prompt(QString& answer, char const* expected = prompt)
    {
        // Generous: a machine shared by several builds can be slow; nothing here is timed.
        QElapsedTimer timer;
        timer.start();
        while (!m_pending.contains(expected) && timer.elapsed() < 120'000) {
            if (m_process.state() != QProcess::Running && m_process.bytesAvailable() == 0)
                break;
            m_process.waitForReadyRead(500);
            m_pending += QString::fromUtf8(m_process.readAllStandardOutput());
            m_log += QString::fromUtf8(m_process.readAllStandardError());
        }
        auto at = m_pending.indexOf(expected);
        if (at < 0) {
            answer = m_pending;
            return false;
        }
        answer = m_pending.left(at);
        m_pending = m_pending.mid(at + static_cast<int>(qstrlen(expected)));
        return true;
    }

    QProcess m_process;
    QString m_pending;
    QString m_log;
};

// The generation number a `snapshot` answer names, or -1.
int snapshot_generation(QString const& answer)
{
    static QRegularExpression const pattern(
        "^snapshot: generation (\\d+), pause \\d+\\.\\d{3} ms, \\d+ pages written\\n$");
    auto match = pattern.match(answer);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

} // namespace

class ShellTest : public QObject {
    Q_OBJECT

private slots:
    void shell()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("shell.disk");
        QVERIFY(make_disk(disk));
        ShellProcess shell(disk);
        QString greeting;
        QVERIFY2(shell.start(greeting), qPrintable(greeting + shell.log()));
        QVERIFY2(QRegularExpression("^phantom object shell \\(generation \\d+\\), type help\\n$")
                     .match(greeting)
                     .hasMatch(),
            qPrintable(greeting));

        // Evaluation.
        QCOMPARE(shell.send("1 + 2"), QString("3\n"));
        QCOMPARE(shell.send("\"ab\" + \"cd\""), QString("\"abcd\"\n"));
        QCOMPARE(shell.send("var x = 40 + 2"), QString());
        QCOMPARE(shell.send("x"), QString("42\n"));
        QCOMPARE(shell.send("x = x + 1"), QString("43\n"));
        QCOMPARE(shell.send("class Point { var x = 0; var y = 0; init(x, y) { this.x = x; this.y = y } fun "
                            "sum() => x + y }"),
            QString());
        QCOMPARE(shell.send("Point(3, 4).sum()"), QString("7\n"));
        QCOMPARE(shell.send("var p = Point(1, 2)"), QString());
        QCOMPARE(shell.send("p.sum() * 10"), QString("30\n"));
        QCOMPARE(shell.send("for (i in 1..3) print(i * p.x)"), QString("1\n2\n3\n"));

        // A syntax error prints place, line and caret; the shell goes on.
        QString error = shell.send("1 + * 2");
        QVERIFY2(error.startsWith("input:1:5: error: ") && error.contains("1 | 1 + * 2")
                && error.contains("|     ^"),
            qPrintable(error));
        // An unfinished input goes on on the next lines; a blank line gives up on it.
        QCOMPARE(shell.send("class Multi {", continuation), QString());
        QCOMPARE(shell.send("    fun hi() => 42", continuation), QString());
        QCOMPARE(shell.send("}"), QString());
        QCOMPARE(shell.send("Multi().hi() +", continuation), QString());
        QCOMPARE(shell.send("1"), QString("43\n"));
        QCOMPARE(shell.send("1 +", continuation), QString());
        QString unfinished = shell.send("");
        QVERIFY2(unfinished.startsWith("input:1:4: error: expected an expression, found end of file"),
            qPrintable(unfinished));
        QVERIFY2(shell.send("nosuchname").contains("input:1:1: error: unknown name 'nosuchname'"),
            qPrintable(shell.log()));
        // A runtime error prints the exception and the input's frames, not the shell's.
        QString thrown = shell.send("p.sum() / (x - 43)");
        QVERIFY2(thrown.startsWith("ArithmeticError: division by zero\n")
                && thrown.contains("at input.main (input:1)") && !thrown.contains("Shell."),
            qPrintable(thrown));
        // Ctrl-C interrupts an input that never ends, running or sleeping; the shell goes on.
        // Each input prints first, so that the Ctrl-C comes while it is being evaluated.
        shell.write_raw("print(\"looping\"); while (true) { }\n");
        QCOMPARE(shell.read_until("looping\n"), QString());
        shell.write_raw("\x03");
        QString interrupted = shell.read_until();
        QVERIFY2(interrupted.startsWith("Interrupted: Ctrl-C stopped the input\n")
                && interrupted.contains("at input.main (input:1)") && !interrupted.contains("Shell.")
                && !interrupted.contains("SystemConsole."),
            qPrintable(interrupted));
        QCOMPARE(shell.send("1 + 1"), QString("2\n"));
        shell.write_raw("print(\"sleeping\"); Thread.sleep(100000); print(\"woke\")\n");
        QCOMPARE(shell.read_until("sleeping\n"), QString());
        shell.write_raw("\x03");
        interrupted = shell.read_until();
        QVERIFY2(interrupted.startsWith("Interrupted: Ctrl-C stopped the input\n")
                && !interrupted.contains("woke"),
            qPrintable(interrupted));
        QCOMPARE(shell.send("x + 1"), QString("44\n"));
        // Ctrl-C at the prompt only drops the line being typed.
        shell.write_raw("x +\x03");
        QCOMPARE(shell.send("x"), QString("43\n"));
        QString custom = shell.send("throw Error(\"boom\")");
        QVERIFY2(custom.startsWith("Error: boom\n"), qPrintable(custom));
        QCOMPARE(shell.send("x * 2"), QString("86\n"));

        // The class changes while its instance lives: hot reload keeps p and adds the method.
        QCOMPARE(shell.send("class Point { var x = 0; var y = 0; init(x, y) { this.x = x; this.y = y } fun "
                            "sum() => x + y; fun product() => x * y * 100 }"),
            QString());
        QCOMPARE(shell.send("p.product()"), QString("200\n"));

        // Navigation.
        QString root = shell.send("root");
        QVERIFY2(
            QRegularExpression("^root: \\d+ globals, 1 threads, generation \\d+\\n").match(root).hasMatch(),
            qPrintable(root));
        QVERIFY2(root.contains("\n  x = 43\n") && root.contains("\n  p = <Point>\n")
                && root.contains("\n  Point = class Point\n") && !root.contains("World"),
            qPrintable(root));
        QCOMPARE(shell.send("cd p"), QString("/p\n"));
        QCOMPARE(shell.send("ls"), QString("  x = 1\n  y = 2\n"));
        QCOMPARE(shell.send("pwd"), QString("/p\n"));
        QCOMPARE(shell.send("inspect ."), QString("Point instance, 2 fields, 40 bytes\n  x = 1\n  y = 2\n"));
        QCOMPARE(shell.send("cd .."), QString("/\n"));
        QVERIFY(shell.send("cd nowhere").startsWith("no 'nowhere' in /"));
        QCOMPARE(shell.send("inspect x"), QString("Int: 43\n"));
        QString point_class = shell.send("inspect Point");
        QVERIFY2(point_class.startsWith("class Point") && point_class.contains("methods:")
                && point_class.contains("product"),
            qPrintable(point_class));
        QCOMPARE(shell.send("var list = [10, 20]"), QString());
        QCOMPARE(shell.send("cd list"), QString("/list\n"));
        QCOMPARE(shell.send("ls"), QString("  0 = 10\n  1 = 20\n"));
        QCOMPARE(shell.send("cd /"), QString("/\n"));

        // Threads, snapshot, generations.
        QString threads = shell.send("threads");
        QVERIFY2(QRegularExpression("\\n +\\d+  Runnable +\\d+  main\\n").match(threads).hasMatch(),
            qPrintable(threads));
        QCOMPARE(shell.send("Thread.spawn(fun() { sleep(600000) }).name()"), QString("\"thread 2\"\n"));
        // The shell's own sleep lets the new thread run until it sleeps.
        QCOMPARE(shell.send("sleep(1)"), QString());
        threads = shell.send("threads");
        QVERIFY2(QRegularExpression("\\n +2  Sleeping +\\d+  thread 2\\n").match(threads).hasMatch(),
            qPrintable(threads));
        int generation = snapshot_generation(shell.send("snapshot"));
        QVERIFY(generation > 0);
        QString generations = shell.send("generations");
        QVERIFY2(QRegularExpression(
                     QString("\\n +%1  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+  \\d+\\.\\d{3} ms\\n")
                         .arg(generation))
                     .match(generations)
                     .hasMatch(),
            qPrintable(generations));
        QVERIFY(shell.send("rollback soon").startsWith("rollback needs a generation number"));
        QVERIFY(
            shell.send("rollback 4000")
                .startsWith("rolling back to generation 4000\nrollback failed: generation 4000 is not kept"));
        QVERIFY(shell.send("help").contains("  rollback N "));
        QCOMPARE(shell.send("x"), QString("43\n"));
        QVERIFY2(!shell.log().contains("PANIC") && !shell.log().contains("VERIFY"), qPrintable(shell.log()));
    }

    void shellPersist()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("shell.disk");
        QVERIFY(make_disk(disk));
        {
            ShellProcess shell(disk);
            QString greeting;
            QVERIFY2(shell.start(greeting), qPrintable(greeting + shell.log()));
            QCOMPARE(shell.send("var x = 1234"), QString());
            QCOMPARE(shell.send("class Counter { var count = 0; fun bump() { count += 1; return count } }"),
                QString());
            QCOMPARE(shell.send("var counter = Counter()"), QString());
            QCOMPARE(shell.send("counter.bump()"), QString("1\n"));
            QVERIFY(snapshot_generation(shell.send("snapshot")) > 0);
            // Not committed: a power cut loses it.
            QCOMPARE(shell.send("x = 5"), QString("5\n"));
            shell.kill();
        }
        ShellProcess shell(disk);
        QString greeting;
        QVERIFY2(shell.start(greeting), qPrintable(greeting + shell.log()));
        QVERIFY2(QRegularExpression("resumed after \\d+ ms at generation \\d+\\n$").match(greeting).hasMatch()
                && !greeting.contains("phantom object shell"),
            qPrintable(greeting));
        QVERIFY2(shell.log().contains("world: resumed after"), qPrintable(shell.log()));
        QCOMPARE(shell.send("x"), QString("1234\n"));
        QCOMPARE(shell.send("counter.bump()"), QString("2\n"));
        QCOMPARE(shell.send("Counter().bump()"), QString("1\n"));
    }

    void shellRollback()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("shell.disk");
        QVERIFY(make_disk(disk));
        ShellProcess shell(disk);
        QString greeting;
        QVERIFY2(shell.start(greeting), qPrintable(greeting + shell.log()));
        QCOMPARE(shell.send("var x = 1"), QString());
        int first = snapshot_generation(shell.send("snapshot"));
        QVERIFY(first > 0);
        QCOMPARE(shell.send("x = 2"), QString("2\n"));
        QCOMPARE(shell.send("class Late { }"), QString());
        int second = snapshot_generation(shell.send("snapshot"));
        QVERIFY(second > first);
        QCOMPARE(shell.send("x"), QString("2\n"));
        QString rolled = shell.send(QString("rollback %1").arg(first));
        QVERIFY2(rolled.startsWith(QString("rolling back to generation %1\n").arg(first))
                && QRegularExpression(QString("rolled back to generation %1 \\(now generation \\d+\\); "
                                              "resumed after \\d+ ms at generation \\d+\\n$")
                                          .arg(first))
                       .match(rolled)
                       .hasMatch(),
            qPrintable(rolled + shell.log()));
        QCOMPARE(shell.send("x"), QString("1\n"));
        QVERIFY(shell.send("Late").contains("unknown name 'Late'"));
        // The rolled-back world goes on: it changes and snapshots like any other.
        QCOMPARE(shell.send("x = 3"), QString("3\n"));
        QVERIFY(snapshot_generation(shell.send("snapshot")) > second);
        QVERIFY2(shell.log().contains(QString("world: rolled back to gen=%1").arg(first)),
            qPrintable(shell.log()));
    }
};

QTEST_GUILESS_MAIN(ShellTest)
#include "ShellTest.moc"
