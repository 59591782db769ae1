// system.boot: the kernel boots in QEMU to `phantom: ready`, every serial line follows the
// log contract, the VGA text console shows the log (white on blue), test=ready passes, and
// the ACPI power button turns the machine off.
// Each check runs for both kernel images: the product (PVH) and the multiboot-only one.
#include <tests/system/harness/SystemTest.h>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr auto boot_timeout = 60s;

QRegularExpression const banner_pattern(QStringLiteral(
    R"(^phantom: Phantom (\d+\.\d+\.\d+) on pc x86-64 \((\w+) boot\): a persistent object system$)"));
QRegularExpression const ready_pattern(QStringLiteral(R"(^phantom: ready in (\d+) ms$)"));

MachineConfiguration configuration_for(QString const& kernel, QString const& command_line = {})
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel;
    configuration.command_line = command_line;
    return configuration;
}

void add_kernel_rows()
{
    QTest::addColumn<QString>("kernel");
    QTest::addColumn<QString>("boot_protocol");
    // The product carries both boot headers; the contract says it boots through PVH.
    QTest::newRow("product") << kernel_path(KernelImage::Product) << QStringLiteral("pvh");
    QTest::newRow("multiboot") << kernel_path(KernelImage::Multiboot) << QStringLiteral("multiboot");
}

} // namespace

class BootTest : public QObject {
    Q_OBJECT

private slots:
    void banner_and_ready_line_data() { add_kernel_rows(); }
    void banner_and_ready_line()
    {
        QFETCH(QString, kernel);
        QFETCH(QString, boot_protocol);
        QemuMachine machine(configuration_for(kernel));
        MACHINE_VERIFY(machine, machine.start());

        auto const banner = machine.wait_for_serial(banner_pattern, boot_timeout);
        MACHINE_VERIFY(machine, banner);
        MACHINE_CHECK(machine, banner->match.captured(2) == boot_protocol,
            QStringLiteral("the banner says '%1 boot', expected '%2 boot'")
                .arg(banner->match.captured(2), boot_protocol));

        auto const ready = machine.wait_for_serial(ready_pattern, boot_timeout, banner->line_index + 1);
        MACHINE_VERIFY(machine, ready);
        bool milliseconds_parse = false;
        ready->match.captured(1).toULongLong(&milliseconds_parse);
        MACHINE_CHECK(machine, milliseconds_parse, QStringLiteral("the ready time is not a number"));

        // The log contract: every line the kernel writes to COM1 starts with "phantom: ".
        QStringList const lines = machine.serial_lines();
        for (int index = 0; index <= ready->line_index; ++index) {
            MACHINE_CHECK(machine, lines[index].startsWith(QStringLiteral("phantom: ")),
                QStringLiteral("serial line %1 does not start with 'phantom: ': '%2'")
                    .arg(index)
                    .arg(lines[index]));
        }

        // Outside test mode the kernel keeps running after ready.
        MACHINE_CHECK(
            machine, machine.is_running(), QStringLiteral("QEMU exited after ready without a test"));
        machine.power_cut();
        MACHINE_CHECK(
            machine, machine.verdict().is(VerdictKind::PowerCut), QStringLiteral("power cut not recorded"));
    }

    void screen_shows_the_log_data() { add_kernel_rows(); }
    void screen_shows_the_log()
    {
        QFETCH(QString, kernel);
        QemuMachine machine(configuration_for(kernel));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.wait_for_serial(ready_pattern, boot_timeout));

        auto const screen = machine.screendump();
        MACHINE_VERIFY(machine, screen);

        // The console is cleared to white on blue, so blue covers most of the screen.
        DominantColor const dominant = dominant_color(*screen);
        MACHINE_CHECK(machine, colors_close(dominant.color.rgb(), vga_blue.rgb(), 8),
            QStringLiteral("the dominant color of the %1x%2 screen is %3, not VGA blue %4")
                .arg(screen->width())
                .arg(screen->height())
                .arg(dominant.color.name(), vga_blue.name()));
        MACHINE_CHECK(machine, dominant.fraction > 0.5,
            QStringLiteral("VGA blue covers only %1% of the screen").arg(dominant.fraction * 100, 0, 'f', 1));

        // The banner and the ready line are the first two text rows (25 rows on the screen):
        // their glyphs are white pixels there.
        QRect const top_rows(0, 0, screen->width(), screen->height() * 2 / 25);
        qsizetype const text_pixels = count_pixels_near(*screen, vga_bright_white, 48, top_rows);
        MACHINE_CHECK(machine, text_pixels >= 200,
            QStringLiteral("only %1 white pixels in the top two text rows; the log is not on the screen")
                .arg(text_pixels));
        // White on blue everywhere: no other color (the cursor is drawn in the text color).
        double const console_colors = fraction_of_pixels_near(*screen, vga_blue, 8)
            + fraction_of_pixels_near(*screen, vga_bright_white, 8);
        MACHINE_CHECK(machine, console_colors > 0.99,
            QStringLiteral("%1% of the screen is neither VGA blue nor white")
                .arg((1 - console_colors) * 100, 0, 'f', 1));
        machine.power_cut();
    }

    void ready_test_passes_data() { add_kernel_rows(); }
    void ready_test_passes()
    {
        QFETCH(QString, kernel);
        QemuMachine machine(configuration_for(kernel, QStringLiteral("test=ready")));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.wait_for_serial(ready_pattern, boot_timeout));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
    }

    // The ACPI power button (QMP system_powerdown) is an orderly shutdown: the kernel logs it
    // and enters S5, and QEMU exits with status 0.
    void power_button_turns_off()
    {
        QemuMachine machine(configuration_for(kernel_path(KernelImage::Product)));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine,
            machine.wait_for_serial_text(QStringLiteral("phantom: acpi: power button"), boot_timeout));
        MACHINE_VERIFY(machine, machine.wait_for_serial(ready_pattern, boot_timeout));
        MACHINE_VERIFY(machine, machine.execute(QStringLiteral("system_powerdown")));
        MACHINE_VERIFY(machine,
            machine.wait_for_serial_text(QStringLiteral("phantom: shutdown requested"), boot_timeout));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Shutdown, boot_timeout));
    }

    // KVM may be missing (containers, CI runners); the test then says so and skips.
    void ready_test_passes_with_kvm()
    {
        QString reason;
        if (!kvm_usable(&reason))
            QSKIP(qPrintable(reason));
        MachineConfiguration configuration
            = configuration_for(kernel_path(KernelImage::Product), QStringLiteral("test=ready"));
        configuration.accelerator = Accelerator::Kvm;
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.wait_for_serial(ready_pattern, boot_timeout));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
    }
};

QTEST_GUILESS_MAIN(BootTest)
#include "BootTest.moc"
