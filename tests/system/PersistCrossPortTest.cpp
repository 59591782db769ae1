// tests/system/PersistCrossPortTest.cpp: one world, two ports. The ledger
// (tests/scenarios/LedgerScenario.h, writer mode: scratch pages and copy-on-write) starts in
// QEMU on a blank virtio-blk image and stops in order after 5000 transfers; phantom-hosted
// resumes that image as its disk file (same disk format, same PAS address) with the ledger
// and its scratch pages intact and runs 5000 more; QEMU resumes the image hosted wrote and
// runs 5000 more. In QEMU the mutator must have gone through the PAS's copy-on-write path
// (one processor: the fault hook runs with interrupts on). tools/phantom-disk must find the
// image healthy after each port wrote it.
#include <tests/system/harness/SystemTest.h>

#include <tests/common/ProcessRun.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr qint64 disk_bytes = 64 * 1024 * 1024;
constexpr int transfers_per_run = 5000;

QRegularExpression const resumed_pattern(
    QStringLiteral(R"(^phantom: ledger: resumed counter=(\d+) sum=(\d+)$)"));
QRegularExpression const stopped_pattern(
    QStringLiteral(R"(^phantom: ledger: stopped counter=(\d+) gen=(\d+)$)"));
QRegularExpression const statistics_pattern(
    QStringLiteral(R"(^phantom: ledger: statistics restored=(\d+) zero_filled=\d+ copy_on_write=(\d+) )"));
QRegularExpression const scratch_pattern(
    QStringLiteral(R"(^phantom: ledger: 256 scratch pages hold stamp \d+$)"));

MachineConfiguration ledger_machine(QString const& image)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line
        = QStringLiteral("test=ledger snapshot_ms=20 ledger_writer=1 ledger_stop=%1").arg(transfers_per_run);
    configuration.extra_arguments = virtio_disk_arguments(image);
    return configuration;
}

// The first line of `text` matching `pattern`.
QRegularExpressionMatch find_line(QString const& text, QRegularExpression const& pattern)
{
    for (auto const& line : text.split(QLatin1Char('\n'))) {
        auto match = pattern.match(line.trimmed());
        if (match.hasMatch())
            return match;
    }
    return {};
}

TestSupport::ProcessRun check_disk(QString const& image)
{
    return TestSupport::run_process(QStringLiteral(PHANTOM_DISK_TOOL), {QStringLiteral("check"), image});
}

} // namespace

class PersistCrossPortTest : public QObject {
    Q_OBJECT

private:
    // Runs the ledger in QEMU; returns the generation it stopped on through `generation`.
    void run_in_qemu(QString const& image, bool fresh, quint64 expected_counter, quint64& generation,
        quint64& copy_on_write)
    {
        QemuMachine machine(ledger_machine(image));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, 240s));
        QString log = machine.serial_text();
        if (fresh) {
            MACHINE_CHECK(machine, log.contains(QStringLiteral("phantom: ledger: new counter=0 sum=4096000")),
                "the ledger did not start fresh");
        } else {
            MACHINE_CHECK(machine,
                log.contains(QStringLiteral("phantom: resumed gen=%1 in ").arg(generation)),
                "the kernel did not resume the generation the other port committed");
            auto resumed = find_line(log, resumed_pattern);
            MACHINE_CHECK(machine, resumed.hasMatch(), "no resumed ledger");
            MACHINE_CHECK(machine, resumed.captured(1).toULongLong() == expected_counter, "another counter");
            MACHINE_CHECK(machine, resumed.captured(2) == QStringLiteral("4096000"), "the sum changed");
            MACHINE_CHECK(
                machine, find_line(log, scratch_pattern).hasMatch(), "the scratch pages were not checked");
        }
        auto stopped = find_line(log, stopped_pattern);
        MACHINE_CHECK(machine, stopped.hasMatch(), "the ledger did not stop in order");
        MACHINE_CHECK(machine, stopped.captured(1).toULongLong() == expected_counter + transfers_per_run,
            "the stop counter is off");
        generation = stopped.captured(2).toULongLong();
        auto statistics = find_line(log, statistics_pattern);
        MACHINE_CHECK(machine, statistics.hasMatch(), "no statistics line");
        copy_on_write += statistics.captured(2).toULongLong();
        if (!fresh)
            MACHINE_CHECK(
                machine, statistics.captured(1).toULongLong() > 0, "no page was restored from the disk");
        qInfo("qemu: %s", qPrintable(statistics.captured(0)));
    }

private slots:
    void world_moves_between_ports()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("world.img"));
        QVERIFY(create_disk_image(image, disk_bytes));

        quint64 generation = 0;
        // Whether a snapshot meets the mutator's writes depends on the host's scheduling of
        // QEMU, so copy-on-write is required of the two kernel runs together.
        quint64 kernel_copy_on_write = 0;
        run_in_qemu(image, true, 0, generation, kernel_copy_on_write);
        if (QTest::currentTestFailed())
            return;
        auto check = check_disk(image);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));

        // The hosted port resumes what the kernel wrote.
        auto hosted = TestSupport::run_process(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE),
            {QStringLiteral("disk=") + image, QStringLiteral("test=ledger"), QStringLiteral("snapshot_ms=20"),
                QStringLiteral("ledger_writer=1"), QStringLiteral("ledger_stop=%1").arg(transfers_per_run)},
            240'000);
        QString log = hosted.err + hosted.out;
        QVERIFY2(hosted.exit_code == 0, qPrintable(log.right(3000)));
        QVERIFY2(log.contains(QStringLiteral("phantom: resumed gen=%1 in ").arg(generation)),
            qPrintable(log.right(3000)));
        auto resumed = find_line(log, resumed_pattern);
        QVERIFY2(resumed.hasMatch(), qPrintable(log.right(3000)));
        QCOMPARE(resumed.captured(1).toULongLong(), static_cast<quint64>(transfers_per_run));
        QCOMPARE(resumed.captured(2), QStringLiteral("4096000"));
        QVERIFY2(find_line(log, scratch_pattern).hasMatch(), qPrintable(log.right(3000)));
        auto stopped = find_line(log, stopped_pattern);
        QVERIFY2(stopped.hasMatch(), qPrintable(log.right(3000)));
        QCOMPARE(stopped.captured(1).toULongLong(), static_cast<quint64>(2 * transfers_per_run));
        quint64 hosted_generation = stopped.captured(2).toULongLong();
        QVERIFY(hosted_generation > generation);
        generation = hosted_generation;
        check = check_disk(image);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));

        // And the kernel resumes what the hosted port wrote.
        run_in_qemu(image, false, 2 * transfers_per_run, generation, kernel_copy_on_write);
        if (QTest::currentTestFailed())
            return;
        QVERIFY2(kernel_copy_on_write > 0,
            "in neither kernel run did the mutator write a page of an in-flight snapshot (no copy-on-write)");
        check = check_disk(image);
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
        qInfo("qemu -> hosted -> qemu: ledger at counter %d, generation %llu", 3 * transfers_per_run,
            static_cast<unsigned long long>(generation));
    }
};

QTEST_GUILESS_MAIN(PersistCrossPortTest)
#include "PersistCrossPortTest.moc"
