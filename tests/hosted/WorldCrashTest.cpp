/*
 * hosted.world_crash: "the world never dies". phantom-hosted runs a world
 * (vm/world/World.h) whose program, tests/hosted/world_counter.ph, grows a persistent
 * counter and a persistent list together in one thread, with snapshots every 20 ms and after
 * each line it prints (commit_output=1). This test SIGKILLs it at a random moment 120 times.
 * Over all the runs main's start line must appear exactly once (every restart continued the
 * same thread from its frames); every printed count must equal the list's length (the
 * resumed heap is one consistent snapshot); and a resumed run's first count must be no lower
 * than the last count the world reported committed.
 *
 * The orderly shutdown: world_steps.ph prints one line per step with no periodic snapshots;
 * SIGTERM must end the process with status 0 after `world: stopped`, and the next boot's
 * first line must be the step right after the last one printed; `fresh` then starts over.
 */
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

bool make_disk(QString const& path)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.resize(64 * 1024 * 1024);
}

QString program_path(char const* name) { return QStringLiteral(PHANTOM_WORLD_PROGRAMS) + "/" + name; }

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

} // namespace

class WorldCrashTest : public QObject {
    Q_OBJECT

private slots:
    void worldSurvivesKills()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("world.disk");
        QVERIFY(make_disk(disk));
        constexpr int cycles = 120;
        QRegularExpression count_line("world counter: count=(\\d+) length=(\\d+)");
        QRegularExpression line_pattern("[^\\n]*\\n");
        int main_starts = 0;
        qint64 last_committed = 0;
        qint64 highest = 0;
        int resumed_runs = 0;
        auto* random = QRandomGenerator::global();
        for (int cycle = 0; cycle < cycles; ++cycle) {
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE),
                {"disk=" + disk, "world=" + program_path("world_counter.ph"), "snapshot_ms=20",
                    "commit_output=1"});
            QVERIFY(process.waitForStarted(30'000));
            QString output;
            // Kill only once the VM runs (a count line), then at a random moment.
            QVERIFY2(read_until(process, output, count_line), qPrintable(output.right(2000)));
            QTest::qWait(static_cast<int>(random->bounded(150)));
            process.kill();
            QVERIFY(process.waitForFinished(30'000));
            output += QString::fromUtf8(process.readAll());
            QVERIFY2(!output.contains("PANIC") && !output.contains("VERIFY"), qPrintable(output.right(2000)));

            main_starts += output.count("world counter: main started");
            if (cycle == 0) {
                QVERIFY2(output.contains("world: fresh"), qPrintable(output.right(2000)));
            } else {
                QVERIFY2(output.contains("world: resumed after") && !output.contains("world: fresh"),
                    qPrintable(output.right(2000)));
                ++resumed_runs;
            }
            // Line by line: counts equal lengths, the first count of a resumed run is no lower
            // than the last committed one, and a `committed` line commits the count before it.
            bool first_count = true;
            qint64 previous_count = 0;
            for (auto const& line : output.split('\n')) {
                auto match = count_line.match(line);
                if (match.hasMatch()) {
                    qint64 count = match.captured(1).toLongLong();
                    QVERIFY2(count == match.captured(2).toLongLong(), qPrintable(line));
                    if (first_count && cycle > 0)
                        QVERIFY2(count >= last_committed,
                            qPrintable(
                                QString("count %1 < last committed %2").arg(count).arg(last_committed)));
                    first_count = false;
                    previous_count = count;
                    highest = qMax(highest, count);
                } else if (line.contains("world: committed gen=")) {
                    last_committed = qMax(last_committed, previous_count);
                }
            }
        }
        qInfo("%d restarts checked; last committed count %lld, highest count %lld", resumed_runs,
            last_committed, highest);
        QCOMPARE(main_starts, 1);
        QVERIFY(last_committed > 0);
    }

    void shutdownKeepsTheLastStep()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("world.disk");
        QVERIFY(make_disk(disk));
        QRegularExpression step_line("world steps: step (\\d+)\\n");
        QStringList arguments {"disk=" + disk, "world=" + program_path("world_steps.ph"), "snapshot_ms=0"};

        QProcess first;
        first.setProcessChannelMode(QProcess::MergedChannels);
        first.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE), arguments);
        QVERIFY(first.waitForStarted(30'000));
        QString output;
        QVERIFY2(read_until(first, output, QRegularExpression("step 20\\n")), qPrintable(output.right(2000)));
        QTest::qWait(static_cast<int>(QRandomGenerator::global()->bounded(100)));
        first.terminate();
        QVERIFY(first.waitForFinished(30'000));
        output += QString::fromUtf8(first.readAll());
        QCOMPARE(first.exitStatus(), QProcess::NormalExit);
        QVERIFY2(
            first.exitCode() == 0 && output.contains("world: stopped gen="), qPrintable(output.right(2000)));
        qint64 last_step = 0;
        auto steps = step_line.globalMatch(output);
        while (steps.hasNext())
            last_step = steps.next().captured(1).toLongLong();
        QVERIFY(last_step >= 20);

        QProcess second;
        second.setProcessChannelMode(QProcess::MergedChannels);
        second.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE), arguments);
        QVERIFY(second.waitForStarted(30'000));
        QString resumed;
        QVERIFY2(read_until(second, resumed, step_line), qPrintable(resumed.right(2000)));
        second.terminate();
        QVERIFY(second.waitForFinished(30'000));
        QVERIFY2(resumed.contains("world: resumed after") && !resumed.contains("main started"),
            qPrintable(resumed.right(2000)));
        qint64 next_step = step_line.match(resumed).captured(1).toLongLong();
        QCOMPARE(next_step, last_step + 1);
        qInfo("stopped after step %lld, resumed with step %lld", last_step, next_step);

        // `fresh` installs the program again over the existing world.
        QProcess third;
        third.setProcessChannelMode(QProcess::MergedChannels);
        third.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE), arguments + QStringList {"fresh"});
        QVERIFY(third.waitForStarted(30'000));
        QString fresh;
        QVERIFY2(read_until(third, fresh, step_line), qPrintable(fresh.right(2000)));
        third.terminate();
        QVERIFY(third.waitForFinished(30'000));
        QVERIFY2(fresh.contains("world: fresh") && fresh.contains("world steps: main started"),
            qPrintable(fresh.right(2000)));
        QCOMPARE(step_line.match(fresh).captured(1).toLongLong(), 1);
    }
};

QTEST_GUILESS_MAIN(WorldCrashTest)
#include "WorldCrashTest.moc"
