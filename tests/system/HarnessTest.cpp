// system.harness: the harness itself. The first half checks the pure helpers (verdict
// names, key names, serial log splitting, pixel comparison) without QEMU; the second half
// boots the kernel to check QMP, input, screendumps, power cut, accelerators and the
// failure messages that every other system test relies on.
#include <tests/system/harness/KeyNames.h>
#include <tests/system/harness/SystemTest.h>

#include <QFile>
#include <QPainter>
#include <QTemporaryDir>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr auto boot_timeout = 60s;

MachineConfiguration idle_product()
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    return configuration;
}

} // namespace

class HarnessTest : public QObject {
    Q_OBJECT

private slots:
    // --- Without QEMU ---

    void verdicts_from_exit_statuses()
    {
        QVERIFY(Verdict::from_exit_status(33).is(VerdictKind::Pass));
        QVERIFY(Verdict::from_exit_status(35).is(VerdictKind::Fail));
        QVERIFY(Verdict::from_exit_status(37).is(VerdictKind::Panic));
        QVERIFY(Verdict::from_exit_status(0).is(VerdictKind::Shutdown));
        QVERIFY(Verdict::from_exit_status(1).is(VerdictKind::QemuError));
        Verdict const odd = Verdict::from_exit_status(39);
        QVERIFY(odd.is(VerdictKind::UnexpectedExit));
        QVERIFY2(odd.description().contains(QStringLiteral("0x13")), qPrintable(odd.description()));
        QVERIFY(Verdict::from_signal(11).description().contains(QStringLiteral("signal 11")));
        QVERIFY(Verdict().is(VerdictKind::NotFinished));
    }

    void key_combinations_become_qcodes()
    {
        QCOMPARE(*qcodes_for_combination(QStringLiteral("ctrl-alt-delete")),
            QStringList({QStringLiteral("ctrl"), QStringLiteral("alt"), QStringLiteral("delete")}));
        QCOMPARE(*qcodes_for_combination(QStringLiteral("Shift-Enter")),
            QStringList({QStringLiteral("shift"), QStringLiteral("ret")}));
        QCOMPARE(*qcodes_for_combination(QStringLiteral("f1")), QStringList({QStringLiteral("f1")}));
        QString problem;
        QVERIFY(!qcodes_for_combination(QStringLiteral("ctrl--"), &problem));
        QVERIFY2(problem.contains(QStringLiteral("minus")), qPrintable(problem));

        QCOMPARE(key_for_character(QLatin1Char('a'))->qcode, QStringLiteral("a"));
        QVERIFY(!key_for_character(QLatin1Char('a'))->shift);
        QVERIFY(key_for_character(QLatin1Char('Q'))->shift);
        QCOMPARE(key_for_character(QLatin1Char('?'))->qcode, QStringLiteral("slash"));
        QCOMPARE(key_for_character(QLatin1Char(' '))->qcode, QStringLiteral("spc"));
        QVERIFY(!key_for_character(QChar(0x00e9)));
    }

    void serial_log_splits_complete_lines()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString const path = directory.filePath(QStringLiteral("com1.log"));
        SerialLog log;
        log.set_path(path);
        log.refresh(); // No file yet: an empty log, not an error.
        QVERIFY(log.lines().isEmpty());

        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        file.write("phantom: one\r\nphantom: tw");
        log.refresh();
        QCOMPARE(log.lines(), QStringList({QStringLiteral("phantom: one")}));
        QVERIFY(!log.find(QRegularExpression(QStringLiteral("two"))));
        QVERIFY(log.tail(5).last().contains(QStringLiteral("phantom: tw")));

        file.write("o\nphantom: ready in 12 ms\nphantom: par");
        log.refresh();
        QCOMPARE(log.lines().size(), 3);
        auto const ready = log.find(QRegularExpression(QStringLiteral(R"(ready in (\d+) ms)")));
        QVERIFY(ready);
        QCOMPARE(ready->line_index, 2);
        QCOMPARE(ready->match.captured(1), QStringLiteral("12"));
        QVERIFY(!log.find(QRegularExpression(QStringLiteral("one")), 1));

        log.finish();
        QCOMPARE(log.lines().last(), QStringLiteral("phantom: par"));
    }

    void pixel_comparison()
    {
        QImage blue(720, 400, QImage::Format_RGB32);
        blue.fill(vga_blue);
        QImage marked = blue;
        {
            QPainter painter(&marked);
            painter.fillRect(QRect(10, 20, 30, 4), vga_bright_white);
        }
        QCOMPARE(*count_differing_pixels(blue, blue, 0), qsizetype(0));
        QCOMPARE(*count_differing_pixels(blue, marked, 0), qsizetype(30 * 4));
        QCOMPARE(*count_differing_pixels(blue, marked, 0, QRect(0, 0, 20, 400)), qsizetype(10 * 4));
        QVERIFY(!count_differing_pixels(blue, blue.scaled(100, 100), 0));

        QImage nearly = blue;
        nearly.fill(QColor(0, 4, 166));
        QCOMPARE(*count_differing_pixels(blue, nearly, 4), qsizetype(0));
        QCOMPARE(*count_differing_pixels(blue, nearly, 3), qsizetype(720 * 400));

        DominantColor const dominant = dominant_color(marked);
        QCOMPARE(dominant.color, vga_blue);
        QCOMPARE(dominant.pixels, qsizetype(720 * 400 - 120));
        QCOMPARE(count_pixels_near(marked, vga_bright_white, 0), qsizetype(120));
        QCOMPARE(dominant_color(marked, QRect(10, 20, 30, 4)).color, vga_bright_white);
    }

    void missing_kernel_is_reported()
    {
        MachineConfiguration configuration;
        configuration.kernel_path = QStringLiteral("/nonexistent/phantom-kernel.elf");
        QemuMachine machine(configuration);
        QVERIFY(!machine.start());
        QVERIFY2(machine.failure().contains(QStringLiteral("/nonexistent/phantom-kernel.elf")),
            qPrintable(machine.failure()));
        QVERIFY(machine.verdict().is(VerdictKind::NotFinished));
    }

    // --- With QEMU ---

    void qmp_talks_to_the_running_machine()
    {
        QemuMachine machine(idle_product());
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), boot_timeout));

        auto const status = machine.execute(QStringLiteral("query-status"));
        MACHINE_VERIFY(machine, status);
        MACHINE_CHECK(machine,
            status->toObject().value(QStringLiteral("status")).toString() == QStringLiteral("running"),
            QStringLiteral("query-status does not say running"));
        auto const accelerator = machine.active_accelerator();
        MACHINE_VERIFY(machine, accelerator);
        MACHINE_CHECK(machine, *accelerator == QStringLiteral("tcg"),
            QStringLiteral("the default accelerator is not TCG"));
        MACHINE_CHECK(machine, machine.qmp().greeting().contains(QStringLiteral("QMP")),
            QStringLiteral("the QMP greeting was not kept"));

        // A command QEMU refuses is a failure that quotes QEMU's error.
        MACHINE_CHECK(machine, !machine.execute(QStringLiteral("no-such-command")),
            QStringLiteral("bad command accepted"));
        MACHINE_CHECK(machine, machine.failure().contains(QStringLiteral("CommandNotFound")),
            QStringLiteral("the failure does not quote QEMU's error class"));

        // Asynchronous events are kept apart from replies: stop/cont emit STOP and RESUME.
        MACHINE_VERIFY(machine, machine.execute(QStringLiteral("stop")));
        MACHINE_VERIFY(machine, machine.execute(QStringLiteral("cont")));
        MACHINE_VERIFY(machine, machine.qmp().wait_for_event(QStringLiteral("RESUME"), 10s));
        MACHINE_CHECK(machine, machine.qmp().wait_for_event(QStringLiteral("STOP"), 1s),
            QStringLiteral("the STOP event was lost"));
        machine.power_cut();
    }

    void input_events_are_accepted()
    {
        MachineConfiguration configuration = idle_product();
        configuration.pointer_device = PointerDevice::UsbTablet;
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), boot_timeout));

        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("ctrl-alt-delete")));
        MACHINE_VERIFY(machine, machine.type_text(QStringLiteral("Hello, Phantom!\n")));
        MACHINE_VERIFY(machine, machine.move_mouse_to(QPoint(100, 200)));
        MACHINE_VERIFY(machine, machine.click(MouseButton::Left));
        MACHINE_VERIFY(machine, machine.click(MouseButton::Right));

        // QEMU rejects an unknown qcode; the failure names it.
        MACHINE_CHECK(
            machine, !machine.send_key(QStringLiteral("ctrl-nosuchkey")), QStringLiteral("bad key accepted"));
        MACHINE_CHECK(machine, machine.failure().contains(QStringLiteral("nosuchkey")),
            QStringLiteral("the failure does not name the bad key"));
        MACHINE_CHECK(
            machine, !machine.type_text(QString(QChar(0x00e9))), QStringLiteral("untypable text accepted"));
        // The kernel ignores all of this (no input drivers yet) and keeps running.
        MACHINE_CHECK(machine, machine.is_running(), QStringLiteral("QEMU exited after the input events"));
        machine.power_cut();
    }

    void mouse_needs_a_pointer_device()
    {
        QemuMachine machine(idle_product());
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_CHECK(
            machine, !machine.move_mouse_to(QPoint(1, 1)), QStringLiteral("mouse moved without a tablet"));
        MACHINE_CHECK(machine, machine.failure().contains(QStringLiteral("PointerDevice::")),
            QStringLiteral("the failure does not say how to add a pointer device"));
        machine.power_cut();
    }

    void screendumps_of_an_idle_machine_match()
    {
        QemuMachine machine(idle_product());
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), boot_timeout));
        auto const first = machine.screendump();
        MACHINE_VERIFY(machine, first);
        auto const second = machine.screendump();
        MACHINE_VERIFY(machine, second);
        MACHINE_CHECK(
            machine, machine.screen_size() == first->size(), QStringLiteral("screen size not updated"));
        auto const differing = count_differing_pixels(*first, *second, 8);
        MACHINE_CHECK(machine, differing.has_value(), QStringLiteral("the two screendumps differ in size"));
        // Only the blinking text cursor (one character cell at most) may change.
        MACHINE_CHECK(machine, *differing <= 9 * 16,
            QStringLiteral("%1 pixels changed between two screendumps of an idle machine").arg(*differing));
        machine.power_cut();
    }

    void power_cut_and_timeouts_are_reported()
    {
        QemuMachine machine(idle_product());
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), boot_timeout));

        // A line that never comes: the failure says so and quotes the serial log.
        MACHINE_CHECK(machine,
            !machine.wait_for_serial_text(QStringLiteral("this line is never printed"), 1s),
            QStringLiteral("a line that was never printed matched"));
        MACHINE_CHECK(machine, machine.failure().contains(QStringLiteral("no serial line matched")),
            QStringLiteral("the failure does not say what was awaited"));
        MACHINE_CHECK(machine, machine.failure().contains(QStringLiteral("| phantom: ready in")),
            QStringLiteral("the failure does not quote the serial log"));

        // The idle kernel never exits by itself: wait_for_exit kills it and reports a timeout.
        MACHINE_CHECK(machine, machine.wait_for_exit(1s).is(VerdictKind::Timeout),
            QStringLiteral("no timeout verdict"));
        MACHINE_CHECK(machine, !machine.is_running(), QStringLiteral("QEMU still runs after the timeout"));

        QemuMachine second(idle_product());
        MACHINE_VERIFY(second, second.start());
        MACHINE_VERIFY(
            second, second.wait_for_serial_text(QStringLiteral("phantom: ready in"), boot_timeout));
        second.power_cut();
        MACHINE_CHECK(
            second, second.verdict().is(VerdictKind::PowerCut), QStringLiteral("no power-cut verdict"));
        MACHINE_CHECK(second, !second.ensure_qmp(), QStringLiteral("QMP works after the power cut"));
    }

    void auto_accelerator_boots()
    {
        MachineConfiguration configuration = idle_product();
        configuration.accelerator = Accelerator::Auto;
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(
            machine, machine.wait_for_serial_text(QStringLiteral("phantom: ready in"), boot_timeout));
        auto const accelerator = machine.active_accelerator();
        MACHINE_VERIFY(machine, accelerator);
        MACHINE_CHECK(machine, *accelerator == (kvm_usable() ? QStringLiteral("kvm") : QStringLiteral("tcg")),
            QStringLiteral("auto picked %1").arg(*accelerator));
        machine.power_cut();
    }

    void qboot_firmware_boots_data()
    {
        QTest::addColumn<QString>("kernel");
        QTest::newRow("product") << kernel_path(KernelImage::Product);
        QTest::newRow("multiboot") << kernel_path(KernelImage::Multiboot);
    }

    void qboot_firmware_boots()
    {
        QFETCH(QString, kernel);
        MachineConfiguration configuration;
        configuration.kernel_path = kernel;
        configuration.firmware = Firmware::Qboot;
        configuration.command_line = QStringLiteral("test=ready");
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, boot_timeout));
    }
};

QTEST_GUILESS_MAIN(HarnessTest)
#include "HarnessTest.moc"
