// tests/system/PowerCutTest.cpp: "a power cut is only a pause", in QEMU. The kernel runs
// test=ledger (tests/scenarios/LedgerScenario.h) in the persistent address space on a
// virtio-blk image, committing about a thousand snapshots a second; the test cuts the power
// at a random moment after the ledger runs (SIGKILL of QEMU, every fifth time a QMP `quit`
// instead), 30 times (200 with PHANTOM_LONG=1); every other run is in writer mode, where
// snapshots go through copy-on-write. Every boot must resume a ledger whose sum is intact
// (and whose scratch pages hold one burst's stamp) with a counter no lower than the last
// `ledger: committed` line any earlier run logged; a last boot stops the ledger in order, and
// tools/phantom-disk must find the image healthy.
#include <tests/system/harness/SystemTest.h>

#include <tests/common/ProcessRun.h>

#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr qint64 disk_bytes = 64 * 1024 * 1024;
constexpr quint64 expected_sum = 4096ull * 1000;

enum class Cut {
    Kill,    // SIGKILL: QEMU stops wherever it is
    QmpQuit, // QMP `quit`: QEMU ends at once, without the guest knowing
};

int cycle_count() { return qEnvironmentVariableIntValue("PHANTOM_LONG") == 1 ? 200 : 30; }

MachineConfiguration ledger_machine(QString const& image, QString const& extra_words = {})
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("test=ledger snapshot_ms=20 %1").arg(extra_words).trimmed();
    configuration.extra_arguments = virtio_disk_arguments(image);
    return configuration;
}

} // namespace

class PowerCutTest : public QObject {
    Q_OBJECT

private:
    quint64 m_last_committed {0};
    int m_resumed_boots {0};

    // Checks what a boot found on the disk: a fresh ledger only on the first boot, otherwise
    // a resumed one with the constant sum and a counter at least the last committed one.
    void check_boot(QemuMachine& machine, bool first_boot)
    {
        auto running = machine.wait_for_serial(
            QRegularExpression(QStringLiteral("^phantom: ledger: (running|invariant broken.*)$")), 120s);
        MACHINE_VERIFY(machine, running);
        MACHINE_CHECK(machine, running->match.captured(1) == QStringLiteral("running"),
            "the ledger's invariant broke after a power cut");
        auto lines = machine.serial_lines();
        if (first_boot) {
            MACHINE_CHECK(machine, lines.contains(QStringLiteral("phantom: fresh world")), "no fresh world");
            MACHINE_CHECK(machine,
                lines.contains(QStringLiteral("phantom: ledger: new counter=0 sum=4096000")),
                "the first boot did not start a new ledger");
            return;
        }
        MACHINE_CHECK(machine, !lines.contains(QStringLiteral("phantom: ledger: new counter=0 sum=4096000")),
            "the ledger was lost: a new one after a power cut");
        auto resumed = machine.wait_for_serial(
            QRegularExpression(QStringLiteral(R"(^phantom: ledger: resumed counter=(\d+) sum=(\d+)$)")), 5s);
        MACHINE_VERIFY(machine, resumed);
        MACHINE_VERIFY(machine,
            machine.wait_for_serial(
                QRegularExpression(QStringLiteral(R"(^phantom: resumed gen=\d+ in \d+ ms$)")), 5s));
        quint64 counter = resumed->match.captured(1).toULongLong();
        MACHINE_CHECK(machine, resumed->match.captured(2).toULongLong() == expected_sum, "the sum changed");
        MACHINE_CHECK(machine, counter >= m_last_committed,
            QStringLiteral("resumed counter %1 is below the last committed %2")
                .arg(counter)
                .arg(m_last_committed));
        ++m_resumed_boots;
    }

    // Takes the highest committed counter this run logged before the cut.
    void note_commits(QemuMachine& machine)
    {
        static QRegularExpression const committed(
            QStringLiteral(R"(^phantom: ledger: committed gen=\d+ counter=(\d+)$)"));
        auto lines = machine.serial_lines();
        for (auto const& line : lines) {
            auto match = committed.match(line);
            if (match.hasMatch())
                m_last_committed = qMax(m_last_committed, match.captured(1).toULongLong());
        }
        auto text = machine.serial_text();
        MACHINE_CHECK(machine, !text.contains(QStringLiteral("PANIC")), "the kernel panicked");
        // Writer mode checks the scratch pages in the run's first burst, after `running`.
        MACHINE_CHECK(machine, !text.contains(QStringLiteral("ledger: invariant broken")),
            "the resumed ledger was not consistent");
    }

private slots:
    void ledger_survives_power_cuts()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("world.img"));
        QVERIFY(create_disk_image(image, disk_bytes));
        auto* random = QRandomGenerator::global();
        int const cycles = cycle_count();
        int quits = 0;
        for (int cycle = 0; cycle < cycles; ++cycle) {
            // Every other run in writer mode: cuts also land in copy-on-write snapshots.
            QemuMachine machine(
                ledger_machine(image, cycle % 2 == 1 ? QStringLiteral("ledger_writer=1") : QString()));
            MACHINE_VERIFY(machine, machine.start());
            check_boot(machine, cycle == 0);
            if (QTest::currentTestFailed())
                return;
            // The ledger commits continuously: any moment is in the middle of disk writes.
            QTest::qWait(static_cast<int>(random->bounded(400)));
            Cut cut = cycle % 5 == 4 ? Cut::QmpQuit : Cut::Kill;
            if (cut == Cut::QmpQuit && machine.ensure_qmp()) {
                // QEMU may close the socket before it answers: the exit is what counts.
                (void)machine.execute(QStringLiteral("quit"));
                auto verdict = machine.wait_for_exit(60s);
                MACHINE_CHECK(machine, verdict.kind() != VerdictKind::Timeout, "QEMU did not quit");
                ++quits;
            } else {
                machine.power_cut();
            }
            MACHINE_CHECK(machine, !machine.is_running(), "QEMU still runs after the power cut");
            note_commits(machine);
            if (QTest::currentTestFailed())
                return;
        }

        // One last boot checks the last cut, then stops the ledger in order.
        {
            QemuMachine machine(ledger_machine(image, QStringLiteral("ledger_stop=2000")));
            MACHINE_VERIFY(machine, machine.start());
            check_boot(machine, false);
            if (QTest::currentTestFailed())
                return;
            MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, 120s));
            MACHINE_VERIFY(machine,
                machine.wait_for_serial(
                    QRegularExpression(QStringLiteral(R"(^phantom: ledger: stopped counter=\d+ gen=\d+$)")),
                    5s));
        }

        auto check
            = TestSupport::run_process(QStringLiteral(PHANTOM_DISK_TOOL), {QStringLiteral("check"), image});
        QVERIFY2(check.exit_code == 0, qPrintable(check.out + check.err));
        QVERIFY2(check.out.contains(QStringLiteral(": ok")), qPrintable(check.out));

        qInfo("%d power cuts (%d by QMP quit), %d resumed boots checked; last committed counter %llu", cycles,
            quits, m_resumed_boots, static_cast<unsigned long long>(m_last_committed));
        QCOMPARE(m_resumed_boots, cycles);
        QVERIFY(m_last_committed > 0);
    }
};

QTEST_GUILESS_MAIN(PowerCutTest)
#include "PowerCutTest.moc"
