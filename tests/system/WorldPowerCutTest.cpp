// tests/system/WorldPowerCutTest.cpp: system.world_power_cut, "the world never dies" in QEMU.
// The kernel runs a world (vm/world) on its virtio disk: the embedded test world `counter`
// (worlds/counter.ph) grows a persistent counter and a persistent list together in one
// thread, with snapshots every 20 ms and after each line it prints (commit_output=1). The
// test cuts the power at a random moment once the world runs (SIGKILL of QEMU, every fifth
// time a QMP `quit`), 20 times (100 with PHANTOM_LONG=1). Over all boots main's start line
// must appear once (every boot continued the same thread); every count must equal the list's
// length (a resumed heap is one committed snapshot); a resumed boot's first count must be no
// lower than the last count the world reported committed. A last boot ends with the power
// button (the last snapshot, then power-off) and tools/phantom-disk must find the image
// healthy. Then `fresh` on the command line must install a new world over it.
#include <tests/system/WorldCounterLog.h>
#include <tests/system/harness/SystemTest.h>

#include <tests/common/ProcessRun.h>

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr qint64 disk_bytes = 64 * 1024 * 1024;

int cycle_count() { return qEnvironmentVariableIntValue("PHANTOM_LONG") == 1 ? 100 : 20; }

MachineConfiguration world_machine(QString const& image)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("world=counter snapshot_ms=20 commit_output=1");
    configuration.extra_arguments = virtio_disk_arguments(image);
    return configuration;
}

QRegularExpression const count_pattern(QStringLiteral(R"(^world counter: count=\d+ length=\d+$)"));

} // namespace

class WorldPowerCutTest : public QObject {
    Q_OBJECT

private:
    CounterHistory m_history;

    // A boot must install the world only the first time and resume it afterwards.
    void check_boot(QemuMachine& machine, bool first_boot)
    {
        auto started = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: world: (fresh|resumed after \d+ ms, \d+ threads)$)")),
            120s);
        MACHINE_VERIFY(machine, started);
        QString what = started->match.captured(1);
        if (first_boot)
            MACHINE_CHECK(
                machine, what == QStringLiteral("fresh"), "the first boot did not install the world");
        else
            MACHINE_CHECK(machine, what.startsWith(QStringLiteral("resumed after")),
                QStringLiteral("a boot after a power cut did not resume the world: %1").arg(what));
        // Cut only once the VM runs: a count line after the world came up.
        MACHINE_VERIFY(machine, machine.wait_for_serial(count_pattern, 120s, started->line_index + 1));
    }

    void check_run(QemuMachine& machine, bool resumed_run)
    {
        auto text = machine.serial_text();
        MACHINE_CHECK(machine, !text.contains(QStringLiteral("PANIC")), "the kernel panicked");
        QString problem = add_counter_run(m_history, machine.serial_lines(), resumed_run);
        MACHINE_CHECK(machine, problem.isEmpty(), problem);
    }

private slots:
    void world_survives_power_cuts()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("world.img"));
        QVERIFY(create_disk_image(image, disk_bytes));
        auto* random = QRandomGenerator::global();
        int const cycles = cycle_count();
        int quits = 0;
        for (int cycle = 0; cycle < cycles; ++cycle) {
            QemuMachine machine(world_machine(image));
            MACHINE_VERIFY(machine, machine.start());
            check_boot(machine, cycle == 0);
            if (QTest::currentTestFailed())
                return;
            // The world commits after every line it prints and every 20 ms: any moment is in
            // the middle of the VM's work or of disk writes.
            QTest::qWait(static_cast<int>(random->bounded(300)));
            if (cycle % 5 == 4 && machine.ensure_qmp()) {
                (void)machine.execute(QStringLiteral("quit"));
                auto verdict = machine.wait_for_exit(60s);
                MACHINE_CHECK(machine, verdict.kind() != VerdictKind::Timeout, "QEMU did not quit");
                ++quits;
            } else {
                machine.power_cut();
            }
            MACHINE_CHECK(machine, !machine.is_running(), "QEMU still runs after the power cut");
            check_run(machine, cycle > 0);
            if (QTest::currentTestFailed())
                return;
        }

        // The power button: the world stops at a safepoint, takes its last snapshot and the
        // machine turns itself off.
        {
            QemuMachine machine(world_machine(image));
            MACHINE_VERIFY(machine, machine.start());
            check_boot(machine, false);
            if (QTest::currentTestFailed())
                return;
            MACHINE_VERIFY(machine, machine.ensure_qmp());
            (void)machine.execute(QStringLiteral("system_powerdown"));
            MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Shutdown, 120s));
            MACHINE_VERIFY(machine,
                machine.wait_for_serial(
                    QRegularExpression(QStringLiteral(R"(^phantom: world: stopped gen=\d+$)")), 5s));
            check_run(machine, true);
            if (QTest::currentTestFailed())
                return;
        }

        auto check
            = TestSupport::run_process(QStringLiteral(PHANTOM_DISK_TOOL), {QStringLiteral("check"), image});
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
        QVERIFY2(check.out.contains(QStringLiteral(": ok")), qPrintable(check.out));

        qInfo("%d power cuts (%d by QMP quit); last committed count %lld, highest count %lld", cycles, quits,
            m_history.last_committed, m_history.highest);
        QCOMPARE(m_history.main_starts, 1);
        QVERIFY(m_history.last_committed > 0);

        // `fresh` on the command line installs a new world over the old one: main starts again.
        auto configuration = world_machine(image);
        configuration.command_line += QStringLiteral(" fresh");
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        check_boot(machine, true);
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("world counter: main started"), 60s));
        machine.power_cut();
    }
};

QTEST_GUILESS_MAIN(WorldPowerCutTest)
#include "WorldPowerCutTest.moc"
