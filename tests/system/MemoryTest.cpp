// system.memory: the memory HAL of the pc port in QEMU: frames, mapping and protection,
// dirty bits and the heap pass their in-kernel tests; the fault hook receives an access to
// an unmapped page of its range, maps a page and the thread resumes; a hook that declines
// leaves the normal page-fault panic report.
#include <tests/system/harness/SystemTest.h>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr auto boot_timeout = 60s;

MachineConfiguration configuration_for(QString const& command_line)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = command_line;
    return configuration;
}

} // namespace

class MemoryTest : public QObject {
    Q_OBJECT

private slots:
    void in_kernel_test_passes_data()
    {
        QTest::addColumn<QString>("test");
        for (auto name : {"memory_frames", "memory_mapping", "memory_dirty", "memory_heap"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    void in_kernel_test_passes()
    {
        QFETCH(QString, test);
        QemuMachine machine(configuration_for(QStringLiteral("test=") + test));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: test %1: pass").arg(test), 1s));
    }

    void boot_log_counts_frames()
    {
        auto configuration = configuration_for(QStringLiteral("test=ready"));
        configuration.memory_mib = 192;
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
        auto const frames = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: memory: (\d+) frames of 4 KiB free for allocation)")),
            1s);
        MACHINE_VERIFY(machine, frames);
        // 192 MiB minus the first MiB, the kernel image, the loader's data and what the
        // firmware keeps at the top (a few MiB at most).
        int const count = frames->match.captured(1).toInt();
        MACHINE_CHECK(
            machine, count > (192 - 8) * 256 && count < 192 * 256, QStringLiteral("%1 frames").arg(count));
    }

    void fault_hook_maps_and_resumes()
    {
        QemuMachine machine(configuration_for(QStringLiteral("test=fault_hook")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
        auto const hook = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: fault hook: address=0x([0-9a-f]+) access=write$)")),
            1s);
        MACHINE_VERIFY(machine, hook);
        quint64 const address = hook->match.captured(1).toULongLong(nullptr, 16);
        auto const resumed = machine.wait_for_serial(
            QRegularExpression(QStringLiteral(
                R"(^phantom: fault hook: thread resumed after the hook mapped 0x([0-9a-f]+)$)")),
            1s, hook->line_index);
        MACHINE_VERIFY(machine, resumed);
        quint64 const page = resumed->match.captured(1).toULongLong(nullptr, 16);
        MACHINE_CHECK(machine, page == (address & ~quint64(0xfff)) && address != page,
            QStringLiteral("the hook saw 0x%1 but mapped 0x%2").arg(address, 0, 16).arg(page, 0, 16));
        MACHINE_VERIFY(machine,
            machine.wait_for_serial(QRegularExpression(QStringLiteral(
                                        R"(^phantom: fault hook: address=0x[0-9a-f]+ access=read$)")),
                1s, resumed->line_index));
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: test fault_hook: pass"), 1s));
    }

    void declined_fault_panics()
    {
        QemuMachine machine(configuration_for(QStringLiteral("test=fault_hook_unhandled")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Panic, boot_timeout));
        auto const hook = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: fault hook: address=0x([0-9a-f]+) access=write$)")),
            1s);
        MACHINE_VERIFY(machine, hook);
        auto const panic = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: PANIC: CPU exception 14 \(page fault\) error=0x2 on cpu 0$)")),
            1s, hook->line_index);
        MACHINE_VERIFY(machine, panic);
        MACHINE_VERIFY(machine,
            machine.wait_for_serial_text(
                QStringLiteral("cr2=0x") + hook->match.captured(1), 1s, panic->line_index));
    }
};

QTEST_GUILESS_MAIN(MemoryTest)
#include "MemoryTest.moc"
