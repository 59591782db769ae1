// tests/system/RuntimeTest.cpp: system.runtime, the kernel's own runtime under the VM:
// `test=math` (kernel/pc/runtime/MathTests.h: the libm subset against correctly rounded
// values within 1 ulp, C99's special values, the rounding functions, 128-bit division) must
// pass; and a kernel booted without a disk outside test mode must say it has no world to
// run and turn itself off at the power button.
#include <tests/system/harness/SystemTest.h>

#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

class RuntimeTest : public QObject {
    Q_OBJECT

private slots:
    void math_is_within_one_ulp()
    {
        MachineConfiguration configuration;
        configuration.kernel_path = kernel_path(KernelImage::Product);
        configuration.command_line = QStringLiteral("test=math");
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        auto known = machine.wait_for_serial(
            QRegularExpression(
                QStringLiteral(R"(^phantom: test math: (\d+) known values, worst (\d+) ulp$)")),
            60s);
        MACHINE_VERIFY(machine, known);
        MACHINE_CHECK(machine, known->match.captured(1).toInt() >= 60, "too few known values were checked");
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, 60s));
    }

    void no_disk_no_world()
    {
        MachineConfiguration configuration;
        configuration.kernel_path = kernel_path(KernelImage::Product);
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine,
            machine.wait_for_serial(QRegularExpression(QStringLiteral(
                                        "^phantom: world: no disk .*; idling until the power button$")),
                60s));
        MACHINE_VERIFY(machine, machine.ensure_qmp());
        (void)machine.execute(QStringLiteral("system_powerdown"));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Shutdown, 60s));
    }
};

QTEST_GUILESS_MAIN(RuntimeTest)
#include "RuntimeTest.moc"
