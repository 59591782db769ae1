// tests/system/WorldCrossPortTest.cpp: system.world_cross_port, one world on both ports. The
// counter world (worlds/counter.ph, embedded in the kernel) is installed by QEMU on a blank
// virtio-blk image and stopped with the power button (its last snapshot); phantom-hosted
// resumes that image as its disk file and continues the same thread (no new start line, the
// count goes on past QEMU's), stopping on SIGTERM; QEMU resumes what the hosted port wrote and
// counts on. Every count must equal the list's length; tools/phantom-disk must find the image
// healthy after each port wrote it.
#include <tests/system/WorldCounterLog.h>
#include <tests/system/harness/SystemTest.h>

#include <tests/common/ProcessRun.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr qint64 disk_bytes = 64 * 1024 * 1024;
QRegularExpression const count_pattern(QStringLiteral(R"(^world counter: count=(\d+) length=\d+$)"));

MachineConfiguration world_machine(QString const& image)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("world=counter snapshot_ms=20 commit_output=1");
    configuration.extra_arguments = virtio_disk_arguments(image);
    return configuration;
}

TestSupport::ProcessRun check_disk(QString const& image)
{
    return TestSupport::run_process(QStringLiteral(PHANTOM_DISK_TOOL), {QStringLiteral("check"), image});
}

} // namespace

class WorldCrossPortTest : public QObject {
    Q_OBJECT

private:
    CounterHistory m_history;

    // One QEMU run: waits for the world and `counts` count lines, then the power button.
    void run_in_qemu(QString const& image, bool first, int counts)
    {
        QemuMachine machine(world_machine(image));
        MACHINE_VERIFY(machine, machine.start());
        auto started = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: world: (fresh|resumed after \d+ ms, \d+ threads)$)")),
            120s);
        MACHINE_VERIFY(machine, started);
        MACHINE_CHECK(machine, (started->match.captured(1) == QStringLiteral("fresh")) == first,
            QStringLiteral("QEMU: expected a %1 world, found: %2")
                .arg(first ? QStringLiteral("fresh") : QStringLiteral("resumed"), started->line));
        int from = started->line_index + 1;
        for (int i = 0; i < counts; ++i) {
            auto count = machine.wait_for_serial(count_pattern, 120s, from);
            MACHINE_VERIFY(machine, count);
            if (i == 0 && !first)
                MACHINE_CHECK(machine, count->match.captured(1).toLongLong() > m_history.highest,
                    QStringLiteral("QEMU resumed at count %1, not past the other port's %2")
                        .arg(count->match.captured(1))
                        .arg(m_history.highest));
            from = count->line_index + 1;
        }
        MACHINE_VERIFY(machine, machine.ensure_qmp());
        (void)machine.execute(QStringLiteral("system_powerdown"));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Shutdown, 120s));
        MACHINE_VERIFY(machine,
            machine.wait_for_serial(
                QRegularExpression(QStringLiteral(R"(^phantom: world: stopped gen=\d+$)")), 5s));
        MACHINE_CHECK(
            machine, !machine.serial_text().contains(QStringLiteral("PANIC")), "the kernel panicked");
        QString problem = add_counter_run(m_history, machine.serial_lines(), !first);
        MACHINE_CHECK(machine, problem.isEmpty(), problem);
    }

    // The hosted port resumes the image (the program argument is only used by a fresh world).
    void run_hosted(QString const& image, int counts)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE),
            {QStringLiteral("disk=") + image,
                QStringLiteral("world=") + QStringLiteral(PHANTOM_COUNTER_WORLD),
                QStringLiteral("snapshot_ms=20"), QStringLiteral("commit_output=1")});
        QVERIFY(process.waitForStarted(30'000));
        QString output;
        int seen = 0;
        qint64 first_count = -1;
        QElapsedTimer timer;
        timer.start();
        while (seen < counts && process.state() == QProcess::Running && timer.elapsed() < 120'000) {
            process.waitForReadyRead(1000);
            output += QString::fromUtf8(process.readAll());
            seen = 0;
            for (auto const& line : output.split(QLatin1Char('\n'))) {
                auto match = count_pattern.match(line.trimmed());
                if (!match.hasMatch())
                    continue;
                if (first_count < 0)
                    first_count = match.captured(1).toLongLong();
                ++seen;
            }
        }
        process.terminate();
        QVERIFY(process.waitForFinished(60'000));
        output += QString::fromUtf8(process.readAll());
        QVERIFY2(seen >= counts, qPrintable(output.right(3000)));
        QVERIFY2(output.contains(QStringLiteral("world: resumed after"))
                && !output.contains(QStringLiteral("world: fresh")),
            qPrintable(output.right(3000)));
        QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0
                && output.contains(QStringLiteral("world: stopped gen=")),
            qPrintable(output.right(3000)));
        QVERIFY2(first_count > m_history.highest,
            qPrintable(QStringLiteral("hosted resumed at count %1, not past QEMU's %2")
                           .arg(first_count)
                           .arg(m_history.highest)));
        QStringList lines;
        for (auto const& line : output.split(QLatin1Char('\n')))
            lines.append(line.trimmed());
        QString problem = add_counter_run(m_history, lines, true);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

private slots:
    void world_moves_between_ports()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("world.img"));
        QVERIFY(create_disk_image(image, disk_bytes));

        run_in_qemu(image, true, 3);
        if (QTest::currentTestFailed())
            return;
        auto check = check_disk(image);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));

        run_hosted(image, 3);
        if (QTest::currentTestFailed())
            return;
        check = check_disk(image);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));

        run_in_qemu(image, false, 3);
        if (QTest::currentTestFailed())
            return;
        check = check_disk(image);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));

        qInfo("one world: QEMU -> hosted -> QEMU; highest count %lld", m_history.highest);
        QCOMPARE(m_history.main_starts, 1);
    }
};

QTEST_GUILESS_MAIN(WorldCrossPortTest)
#include "WorldCrossPortTest.moc"
