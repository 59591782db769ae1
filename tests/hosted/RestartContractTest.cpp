/*
 * hosted.restart_contract: the restart contract of a world on the hosted port, across real
 * power cuts (SIGKILL). phantom-hosted runs tests/hosted/world_restart.ph: a thread waits in
 * Channel.wait on a channel nobody writes to, a periodic timer counts ticks in a persistent
 * global, and a System.onResumed subscriber prints every resume. The process is killed three
 * times, each time after a tick was committed, and left dead for a while; then:
 * - main's start line appears once over all runs (the world continues, not restarts);
 * - after every restart the waiting thread catches Restarted naming Channel.wait and the
 *   downtime (Channel.wait's policy is Fail);
 * - the subscriber sees "resumed after Δt" with Δt no shorter than the time the process was
 *   dead (and not absurdly long), and the resume count goes 1, 2, 3;
 * - the timer keeps firing: ticks after a restart go on from at least the last committed one.
 */
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

bool make_disk(QString const& path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.resize(64 * 1024 * 1024);
}

// Reads the child's output until `pattern` matches or the child ends.
bool read_until(QProcess& process, QString& output, QRegularExpression const& pattern)
{
    while (!pattern.match(output).hasMatch() && process.state() == QProcess::Running) {
        process.waitForReadyRead(1000);
        output += QString::fromUtf8(process.readAll());
    }
    output += QString::fromUtf8(process.readAll());
    return pattern.match(output).hasMatch();
}

// The world's own commit after output: taken at a safepoint after the line was printed, so it
// holds at least what the line says (a periodic snapshot's log line may come after a line its
// content predates).
bool is_commit(QString const& line) { return line.contains("world: committed gen="); }

} // namespace

class RestartContractTest : public QObject {
    Q_OBJECT

private slots:
    void contractHoldsAcrossKills()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("world.disk");
        QVERIFY(make_disk(disk));
        auto environment = QProcessEnvironment::systemEnvironment();
        environment.insert("PHANTOM_CHANNEL_CONTRACT", directory.filePath("contract.sock"));
        QStringList arguments {"disk=" + disk,
            "world=" + QStringLiteral(PHANTOM_WORLD_PROGRAMS) + "/world_restart.ph", "snapshot_ms=20",
            "commit_output=1"};
        QRegularExpression tick_line("restart world: tick (\\d+)");
        constexpr int dead_ms = 400;
        constexpr int runs = 4;
        int main_starts = 0;
        qint64 last_committed_tick = 0;
        qint64 committed_before = 0;
        for (int run = 0; run < runs; ++run) {
            QProcess process;
            process.setProcessEnvironment(environment);
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE), arguments);
            QVERIFY(process.waitForStarted(30'000));
            QString output;
            // Two ticks after the start (or the resume), the second one committed.
            QRegularExpression enough("restart world: tick \\d+\\n(.|\\n)*restart world: tick \\d+\\n(.|\\n)*"
                                      "world: committed gen=");
            bool ran = read_until(process, output, enough);
            process.kill();
            QVERIFY(process.waitForFinished(30'000));
            output += QString::fromUtf8(process.readAll());
            QVERIFY2(ran, qPrintable(output.right(3000)));
            QVERIFY2(!output.contains("PANIC") && !output.contains("VERIFY") && !output.contains("Uncaught"),
                qPrintable(output.right(3000)));
            main_starts += output.count("restart world: main started");

            QStringList lines = output.split('\n');
            qint64 first_tick = -1;
            qint64 previous_tick = -1;
            qint64 pending_tick = -1;
            for (auto const& line : lines) {
                auto match = tick_line.match(line);
                if (match.hasMatch()) {
                    qint64 tick = match.captured(1).toLongLong();
                    QVERIFY2(tick > previous_tick, qPrintable(output.right(3000)));
                    if (first_tick < 0)
                        first_tick = tick;
                    previous_tick = tick;
                    pending_tick = tick;
                } else if (is_commit(line) && pending_tick >= 0) {
                    last_committed_tick = qMax(last_committed_tick, pending_tick);
                }
            }
            if (run == 0) {
                QVERIFY2(output.contains("world: fresh"), qPrintable(output.right(3000)));
                QVERIFY(!output.contains("restart world: caught"));
            } else {
                QVERIFY2(output.contains("world: resumed after"), qPrintable(output.right(3000)));
                // The thread in Channel.wait got Restarted, with the method and the downtime.
                QRegularExpression caught("restart world: caught Channel\\.wait was interrupted by a restart "
                                          "\\(the world was away (\\d+) ms\\)");
                auto caught_match = caught.match(output);
                QVERIFY2(caught_match.hasMatch(), qPrintable(output.right(3000)));
                // The subscriber saw the resume, with a plausible downtime.
                QRegularExpression resumed(
                    QString("restart world: resumed after (\\d+) ms \\(resume %1\\)").arg(run));
                auto resumed_match = resumed.match(output);
                QVERIFY2(resumed_match.hasMatch(), qPrintable(output.right(3000)));
                qint64 downtime = resumed_match.captured(1).toLongLong();
                QVERIFY2(downtime >= dead_ms && downtime < 120'000, qPrintable(resumed_match.captured(0)));
                QCOMPARE(caught_match.captured(1).toLongLong(), downtime);
                // The timer went on from the committed world, not from zero.
                QVERIFY2(first_tick >= 0 && first_tick >= committed_before,
                    qPrintable(QString("first tick %1 after the restart, %2 committed before")
                                   .arg(first_tick)
                                   .arg(committed_before)));
                qInfo("run %d: resumed after %lld ms, ticks %lld..%lld", run, downtime, first_tick,
                    previous_tick);
            }
            committed_before = last_committed_tick;
            QTest::qWait(dead_ms);
        }
        QCOMPARE(main_starts, 1);
        QVERIFY(last_committed_tick >= 10);
    }
};

QTEST_GUILESS_MAIN(RestartContractTest)
#include "RestartContractTest.moc"
