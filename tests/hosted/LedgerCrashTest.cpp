/*
 * hosted.ledger_crash: "a power cut is only a pause". phantom-hosted runs test=ledger (the
 * scenario shared with the kernel, tests/scenarios/LedgerScenario.h: a ledger of transfers
 * with a constant sum plus a monotonic counter, in the persistent address space, snapshotted
 * every 20 ms and every 512 transfers) on a disk file; this test SIGKILLs
 * it at a random moment, 200 times. Every restart must find the invariant intact and a
 * counter no lower than the last snapshot the child reported as committed.
 */
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class LedgerCrashTest : public QObject {
    Q_OBJECT

private slots:
    void ledgerSurvivesKills()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString disk = directory.filePath("ledger.disk");
        {
            QFile file(disk);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.resize(64 * 1024 * 1024));
        }
        constexpr int cycles = 200;
        constexpr quint64 expected_sum = 4096ull * 1000;
        QRegularExpression resumed("ledger: resumed counter=(\\d+) sum=(\\d+)");
        QRegularExpression committed("ledger: committed gen=(\\d+) counter=(\\d+)");
        quint64 last_committed = 0;
        quint64 highest_resumed = 0;
        int resumed_runs = 0;
        auto* random = QRandomGenerator::global();
        for (int cycle = 0; cycle < cycles; ++cycle) {
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(
                QStringLiteral(PHANTOM_HOSTED_EXECUTABLE), {"disk=" + disk, "test=ledger", "snapshot_ms=20"});
            QVERIFY(process.waitForStarted(30'000));
            QString output;
            // Wait until the world is running (so the restart was checked), then kill at random.
            while (!output.contains("ledger: running") && process.state() == QProcess::Running) {
                process.waitForReadyRead(1000);
                output += QString::fromUtf8(process.readAll());
            }
            QVERIFY2(output.contains("ledger: running"), qPrintable(output.right(2000)));
            QTest::qWait(static_cast<int>(random->bounded(150)));
            process.kill();
            QVERIFY(process.waitForFinished(30'000));
            output += QString::fromUtf8(process.readAll());
            QVERIFY2(!output.contains("invariant broken") && !output.contains("PANIC"),
                qPrintable(output.right(2000)));

            auto match = resumed.match(output);
            if (cycle == 0) {
                QVERIFY(output.contains("fresh world"));
            } else {
                QVERIFY2(match.hasMatch(), qPrintable(output.right(2000)));
                quint64 counter = match.captured(1).toULongLong();
                QCOMPARE(match.captured(2).toULongLong(), expected_sum);
                QVERIFY2(counter >= last_committed,
                    qPrintable(QString("counter %1 < last committed %2").arg(counter).arg(last_committed)));
                highest_resumed = qMax(highest_resumed, counter);
                ++resumed_runs;
            }
            auto commits = committed.globalMatch(output);
            while (commits.hasNext())
                last_committed = qMax(last_committed, commits.next().captured(2).toULongLong());
        }
        qInfo("%d restarts checked; last committed counter %llu, highest resumed %llu", resumed_runs,
            static_cast<unsigned long long>(last_committed),
            static_cast<unsigned long long>(highest_resumed));
        QVERIFY(last_committed > 0);
    }
};

QTEST_GUILESS_MAIN(LedgerCrashTest)
#include "LedgerCrashTest.moc"
