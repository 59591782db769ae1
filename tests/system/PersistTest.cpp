// tests/system/PersistTest.cpp: kernel/persist on the pc port, and the disk format across
// ports. test=persist_store formats a virtio-blk disk in QEMU, commits three generations,
// reopens the disk and reads them back (kernel/pc/persist/PersistTests.cpp); then the host
// tool phantom-disk (the same reader over the hosted FileBlockDevice) must find the image
// healthy, list generations 3, 2, 1, 0 and see exactly the pages the kernel changed.
#include <tests/system/harness/SystemTest.h>

#include <tests/common/ProcessRun.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr qint64 disk_bytes = 16 * 1024 * 1024;

using ToolRun = TestSupport::ProcessRun;

ToolRun run_disk_tool(QStringList const& arguments)
{
    return TestSupport::run_process(QStringLiteral(PHANTOM_DISK_TOOL), arguments);
}

} // namespace

class PersistTest : public QObject {
    Q_OBJECT
private slots:
    void disk_written_in_qemu_opens_on_the_host()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("world.img"));
        QVERIFY(create_disk_image(image, disk_bytes));
        {
            MachineConfiguration configuration;
            configuration.kernel_path = kernel_path(KernelImage::Product);
            configuration.command_line = QStringLiteral("test=persist_store");
            configuration.memory_mib = 512;
            configuration.extra_arguments = virtio_disk_arguments(image);
            QemuMachine machine(configuration);
            MACHINE_VERIFY(machine, machine.start());
            MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, 240s));
            MACHINE_VERIFY(machine,
                machine.wait_for_serial_text(
                    QStringLiteral(
                        "phantom: test: persist_store: 3 generations committed, reopened and read back"),
                    5s));
        }

        auto check = run_disk_tool({QStringLiteral("check"), image});
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
        for (int generation = 0; generation <= 3; ++generation)
            QVERIFY(check.out.contains(QStringLiteral("generation %1: ok").arg(generation)));

        auto generations = run_disk_tool({QStringLiteral("generations"), image});
        QCOMPARE(generations.exit_code, 0);
        auto lines = generations.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);
        // generation (boot) date time pages-written page-count pause unit
        auto third = lines[1].simplified().split(QLatin1Char(' '));
        QCOMPARE(third.value(0), QStringLiteral("3"));
        QCOMPARE(third.value(1), QStringLiteral("(boot)"));
        QVERIFY2(third.value(2).startsWith(QStringLiteral("20")), qPrintable(lines[1])); // an RTC date
        QCOMPARE(third.value(4), QStringLiteral("0"));
        QCOMPARE(third.value(5), QStringLiteral("9")); // 9 in generation 1, page 9 added, page 0 removed
        auto first = lines[3].simplified().split(QLatin1Char(' '));
        QCOMPARE(first.value(0), QStringLiteral("1"));
        QCOMPARE(first.value(3), QStringLiteral("9"));
        QCOMPARE(first.value(4), QStringLiteral("9"));

        auto info = run_disk_tool({QStringLiteral("info"), image});
        QCOMPARE(info.exit_code, 0);
        QVERIFY(info.out.contains(QStringLiteral("kept generations:   4 (K)")));

        auto diff = run_disk_tool({QStringLiteral("diff"), image, "1", "3"});
        QCOMPARE(diff.exit_code, 0);
        QCOMPARE(diff.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts),
            (QStringList {"removed 0", "changed 2", "changed 5", "added 9",
                "diff 1 -> 3: 2 changed, 1 added, 1 removed"}));
    }
};

QTEST_GUILESS_MAIN(PersistTest)
#include "PersistTest.moc"
