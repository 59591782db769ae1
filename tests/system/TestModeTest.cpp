// system.test_mode: the kernel's test mode. base/'s self-test passes inside the kernel
// (test=base), and an unknown test name fails with a message naming it and the known tests.
#include <tests/system/harness/SystemTest.h>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr auto boot_timeout = 60s;

MachineConfiguration product_with(QString const& command_line)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = command_line;
    return configuration;
}

} // namespace

class TestModeTest : public QObject {
    Q_OBJECT

private slots:
    void base_self_test_passes_in_the_kernel()
    {
        QemuMachine machine(product_with(QStringLiteral("test=base")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
        MACHINE_VERIFY(machine, machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), 1s));
    }

    void unknown_test_fails_and_names_it()
    {
        QemuMachine machine(product_with(QStringLiteral("test=no_such_test")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Fail, boot_timeout));
        auto const message
            = machine.wait_for_serial_text(QStringLiteral("phantom: unknown test 'no_such_test'"), 1s);
        MACHINE_VERIFY(machine, message);
        // The message comes with the list of known tests (on the same line or the next ones).
        QString const rest = machine.serial_lines().mid(message->line_index).join(QLatin1Char('\n'));
        for (auto const* known : {"ready", "base", "page_fault"}) {
            MACHINE_CHECK(machine, rest.contains(QLatin1String(known)),
                QStringLiteral("the unknown-test message does not list '%1'").arg(QLatin1String(known)));
        }
    }

    // The other words on the command line must not confuse the test selection.
    void test_name_among_other_arguments()
    {
        QemuMachine machine(product_with(QStringLiteral("quiet test=ready other=1")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
    }
};

QTEST_GUILESS_MAIN(TestModeTest)
#include "TestModeTest.moc"
