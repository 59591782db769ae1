// system.screen_input: the screen and input of the HAL in QEMU. test=screen_pattern draws a
// pattern computed by a formula and a QMP screendump must show every pixel exactly (at the
// default 1024x768 and at a size from the command line); test=input_echo logs every input
// event, and keys, PS/2 mouse motion, buttons and wheel sent with QMP input-send-event, and
// absolute moves of a virtio tablet, must arrive as exactly the right events.
#include <tests/system/harness/SystemTest.h>

#include <QJsonArray>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr auto boot_timeout = 60s;
constexpr auto event_timeout = 60s;

// The same formula as Kernel::Tests::screen_pattern_pixel() (kernel/pc/ScreenInputTests.h).
QRgb pattern_pixel(int x, int y, int width, int height)
{
    static constexpr QRgb bars[] = {qRgb(255, 255, 255), qRgb(255, 255, 0), qRgb(0, 255, 255),
        qRgb(0, 255, 0), qRgb(255, 0, 255), qRgb(255, 0, 0), qRgb(0, 0, 255), qRgb(0, 0, 0)};
    int const band = height / 4;
    if (y < band)
        return bars[x * 8 / width];
    return qRgb(x * 255 / (width - 1), (y - band) * 255 / (height - band - 1), (x ^ y) & 255);
}

MachineConfiguration input_echo_configuration(PointerDevice pointer = PointerDevice::None)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("test=input_echo");
    configuration.pointer_device = pointer;
    return configuration;
}

QString key_line(QString const& key, bool pressed, QString const& modifiers, QChar character = {})
{
    QString const character_text = (pressed && !character.isNull())
        ? QStringLiteral("U+%1").arg(character.unicode(), 4, 16, QLatin1Char('0')).toUpper()
        : QStringLiteral("none");
    return QStringLiteral("phantom: input: key %1 %2 modifiers=%3 character=%4")
        .arg(
            key, pressed ? QStringLiteral("pressed") : QStringLiteral("released"), modifiers, character_text);
}

// The lines input_echo logs for type_text(text) of letters: shift wraps the capitals.
QStringList lines_for_letters(QString const& text)
{
    QStringList lines;
    for (QChar const character : text) {
        QString const key = character.toLower();
        if (character.isUpper()) {
            lines << key_line(QStringLiteral("left_shift"), true, QStringLiteral("shift"));
            lines << key_line(key, true, QStringLiteral("shift"), character);
            lines << key_line(key, false, QStringLiteral("shift"));
            lines << key_line(QStringLiteral("left_shift"), false, QStringLiteral("none"));
        } else {
            lines << key_line(key, true, QStringLiteral("none"), character);
            lines << key_line(key, false, QStringLiteral("none"));
        }
    }
    return lines;
}

// The input lines logged from line `first` on.
QStringList input_lines(QemuMachine& machine, int first)
{
    QStringList lines;
    auto const all = machine.serial_lines();
    for (int i = first; i < all.size(); ++i) {
        if (all[i].startsWith(QStringLiteral("phantom: input:")))
            lines << all[i];
    }
    return lines;
}

// Waits until as many input lines as expected were logged from line `first` on (the last one
// being the last expected line), then compares them all.
bool expect_input_lines(QemuMachine& machine, int first, QStringList const& expected, QString* problem)
{
    int search_from = first;
    for (;;) {
        auto const last = machine.wait_for_serial_text(expected.last(), event_timeout, search_from);
        if (!last) {
            *problem = QStringLiteral("the line '%1' never came; the input lines were\n  %2")
                           .arg(expected.last(), input_lines(machine, first).join(QStringLiteral("\n  ")));
            return false;
        }
        if (input_lines(machine, first).size() >= expected.size())
            break;
        search_from = last->line_index + 1;
    }
    auto const actual = input_lines(machine, first);
    if (actual != expected) {
        *problem = QStringLiteral("expected the input lines\n  %1\nbut the kernel logged\n  %2")
                       .arg(expected.join(QStringLiteral("\n  ")), actual.join(QStringLiteral("\n  ")));
        return false;
    }
    return true;
}

QJsonObject relative_event(QString const& axis, int value)
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("rel")},
        {QStringLiteral("data"),
            QJsonObject {{QStringLiteral("axis"), axis}, {QStringLiteral("value"), value}}}};
}

QJsonObject button_event(QString const& button, bool down)
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("btn")},
        {QStringLiteral("data"),
            QJsonObject {{QStringLiteral("down"), down}, {QStringLiteral("button"), button}}}};
}

} // namespace

class ScreenInputTest : public QObject {
    Q_OBJECT

private:
    // input_echo ends when Escape is released, and QEMU may exit before it answers that very
    // QMP command, so a failed send is not an error by itself: the pass verdict, which only
    // the guest's reading of the release can produce, is what the caller checks next.
    static void end_input_echo(QemuMachine& machine) { (void)machine.send_key(QStringLiteral("esc")); }

private slots:
    void screen_shows_the_pattern_exactly_data()
    {
        QTest::addColumn<QString>("extra_command_line");
        QTest::addColumn<QStringList>("extra_arguments");
        QTest::addColumn<QSize>("size");
        QTest::newRow("vga std, default 1024x768") << QString() << QStringList() << QSize(1024, 768);
        QTest::newRow("vga std, screen=800x600")
            << QStringLiteral(" screen=800x600") << QStringList() << QSize(800, 600);
        // bochs-display has no VGA part: its mode registers are reachable through MMIO only.
        QTest::newRow("bochs-display, screen=640x480")
            << QStringLiteral(" screen=640x480")
            << QStringList {QStringLiteral("-vga"), QStringLiteral("none"), QStringLiteral("-device"),
                   QStringLiteral("bochs-display")}
            << QSize(640, 480);
    }
    void screen_shows_the_pattern_exactly()
    {
        QFETCH(QString, extra_command_line);
        QFETCH(QStringList, extra_arguments);
        QFETCH(QSize, size);
        MachineConfiguration configuration;
        configuration.extra_arguments = extra_arguments;
        configuration.kernel_path = kernel_path(KernelImage::Product);
        configuration.command_line = QStringLiteral("test=screen_pattern") + extra_command_line;
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        auto const drawn = machine.wait_for_serial(
            QRegularExpression(QStringLiteral(R"(^phantom: test screen_pattern: drawn (\d+)x(\d+);)")),
            boot_timeout);
        MACHINE_VERIFY(machine, drawn);
        MACHINE_CHECK(machine,
            QSize(drawn->match.captured(1).toInt(), drawn->match.captured(2).toInt()) == size,
            QStringLiteral("the kernel drew %1x%2").arg(drawn->match.captured(1), drawn->match.captured(2)));

        auto const screen = machine.screendump();
        MACHINE_VERIFY(machine, screen);
        MACHINE_CHECK(machine, screen->size() == size,
            QStringLiteral("the screendump is %1x%2").arg(screen->width()).arg(screen->height()));
        QImage const image = screen->convertToFormat(QImage::Format_RGB32);
        qsizetype differing = 0;
        QString first_differences;
        for (int y = 0; y < size.height(); ++y) {
            for (int x = 0; x < size.width(); ++x) {
                QRgb const expected = pattern_pixel(x, y, size.width(), size.height()) & 0xFFFFFF;
                QRgb const actual = image.pixel(x, y) & 0xFFFFFF;
                if (expected == actual)
                    continue;
                if (++differing <= 5)
                    first_differences += QStringLiteral(" (%1,%2): %3 instead of %4;")
                                             .arg(x)
                                             .arg(y)
                                             .arg(actual, 6, 16, QLatin1Char('0'))
                                             .arg(expected, 6, 16, QLatin1Char('0'));
            }
        }
        MACHINE_CHECK(machine, differing == 0,
            QStringLiteral("%1 pixels differ from the pattern:%2").arg(differing).arg(first_differences));

        // Any key ends the test; it reaches the kernel through the PS/2 keyboard, and QEMU may
        // exit before it answers the key's QMP command: the verdict is the check.
        (void)machine.send_key(QStringLiteral("ret"));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }

    void ps2_keyboard_keys_arrive()
    {
        QemuMachine machine(input_echo_configuration());
        MACHINE_VERIFY(machine, machine.start());
        auto const ready
            = machine.wait_for_serial_text(QStringLiteral("test input_echo: echoing"), boot_timeout);
        MACHINE_VERIFY(machine, ready);
        MACHINE_CHECK(machine, machine.serial_text().contains(QStringLiteral("phantom: ps2: keyboard ready")),
            QStringLiteral("the PS/2 keyboard was not found"));

        QStringList expected = lines_for_letters(QStringLiteral("phAntom"));
        expected << key_line(QStringLiteral("left_control"), true, QStringLiteral("control"))
                 << key_line(QStringLiteral("c"), true, QStringLiteral("control"))
                 << key_line(QStringLiteral("c"), false, QStringLiteral("control"))
                 << key_line(QStringLiteral("left_control"), false, QStringLiteral("none"))
                 << key_line(QStringLiteral("up"), true, QStringLiteral("none"))
                 << key_line(QStringLiteral("up"), false, QStringLiteral("none"))
                 << key_line(QStringLiteral("keypad_enter"), true, QStringLiteral("none"), QChar(u'\n'))
                 << key_line(QStringLiteral("keypad_enter"), false, QStringLiteral("none"))
                 << key_line(QStringLiteral("left_shift"), true, QStringLiteral("shift"))
                 << key_line(QStringLiteral("1"), true, QStringLiteral("shift"), QChar(u'!'))
                 << key_line(QStringLiteral("1"), false, QStringLiteral("shift"))
                 << key_line(QStringLiteral("left_shift"), false, QStringLiteral("none"));

        // One key combination at a time, each waited for: QEMU's PS/2 keyboard queue holds 16
        // bytes and drops what comes while it is full, which happens when a loaded host starves
        // the guest's CPU and the test sends faster than the guest reads (a person never does).
        struct Step {
            QString combination;
            int lines;
        };
        QList<Step> const steps {{"p", 2}, {"h", 2}, {"shift-a", 4}, {"n", 2}, {"t", 2}, {"o", 2}, {"m", 2},
            {"ctrl-c", 4}, {"up", 2}, {"kp_enter", 2}, {"shift-1", 4}};
        int search_from = ready->line_index + 1;
        int line = 0;
        for (auto const& step : steps) {
            MACHINE_VERIFY(machine, machine.send_key(step.combination));
            line += step.lines;
            auto const arrived = machine.wait_for_serial_text(expected[line - 1], event_timeout, search_from);
            MACHINE_VERIFY(machine, arrived);
            search_from = arrived->line_index + 1;
        }
        QCOMPARE(line, expected.size());
        QString problem;
        MACHINE_CHECK(
            machine, expect_input_lines(machine, ready->line_index + 1, expected, &problem), problem);

        end_input_echo(machine);
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }

    void virtio_tablet_positions_arrive()
    {
        QemuMachine machine(input_echo_configuration(PointerDevice::VirtioTablet));
        MACHINE_VERIFY(machine, machine.start());
        auto const ready
            = machine.wait_for_serial_text(QStringLiteral("test input_echo: echoing"), boot_timeout);
        MACHINE_VERIFY(machine, ready);
        MACHINE_CHECK(machine,
            machine.serial_text().contains(QStringLiteral("phantom: virtio-input: \"QEMU Virtio Tablet\"")),
            QStringLiteral("the virtio tablet was not started"));

        // Corners and points in between, in pixels of the 1024x768 screen the kernel scales to.
        QList<QPoint> const positions {{100, 200}, {0, 0}, {1023, 767}, {512, 384}, {1, 766}, {777, 5}};
        QStringList expected;
        for (auto const& position : positions) {
            MACHINE_VERIFY(machine, machine.move_mouse_to(position));
            expected << QStringLiteral("phantom: input: pointer absolute x=%1 y=%2")
                            .arg(position.x())
                            .arg(position.y());
        }
        MACHINE_VERIFY(machine, machine.click(MouseButton::Left));
        MACHINE_VERIFY(machine, machine.click(MouseButton::Right));
        expected << QStringLiteral("phantom: input: button left pressed")
                 << QStringLiteral("phantom: input: button left released")
                 << QStringLiteral("phantom: input: button right pressed")
                 << QStringLiteral("phantom: input: button right released");
        // Keys still reach the PS/2 keyboard: the tablet has none.
        MACHINE_VERIFY(machine, machine.type_text(QStringLiteral("Ok")));
        expected << lines_for_letters(QStringLiteral("Ok"));
        QString problem;
        MACHINE_CHECK(
            machine, expect_input_lines(machine, ready->line_index + 1, expected, &problem), problem);

        end_input_echo(machine);
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }

    void virtio_keyboard_keys_arrive()
    {
        MachineConfiguration configuration = input_echo_configuration();
        configuration.extra_arguments << QStringLiteral("-device") << QStringLiteral("virtio-keyboard-pci");
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        auto const ready
            = machine.wait_for_serial_text(QStringLiteral("test input_echo: echoing"), boot_timeout);
        MACHINE_VERIFY(machine, ready);
        MACHINE_CHECK(machine,
            machine.serial_text().contains(QStringLiteral("phantom: virtio-input: \"QEMU Virtio Keyboard\"")),
            QStringLiteral("the virtio keyboard was not started"));
        MACHINE_VERIFY(machine, machine.type_text(QStringLiteral("phAntom")));
        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("ctrl-alt-delete")));
        QStringList expected = lines_for_letters(QStringLiteral("phAntom"));
        expected << key_line(QStringLiteral("left_control"), true, QStringLiteral("control"))
                 << key_line(QStringLiteral("left_alt"), true, QStringLiteral("control+alt"))
                 << key_line(QStringLiteral("delete"), true, QStringLiteral("control+alt"))
                 << key_line(QStringLiteral("delete"), false, QStringLiteral("control+alt"))
                 << key_line(QStringLiteral("left_alt"), false, QStringLiteral("control"))
                 << key_line(QStringLiteral("left_control"), false, QStringLiteral("none"));
        QString problem;
        MACHINE_CHECK(
            machine, expect_input_lines(machine, ready->line_index + 1, expected, &problem), problem);
        end_input_echo(machine);
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }

    void ps2_mouse_motion_buttons_and_wheel_arrive()
    {
        QemuMachine machine(input_echo_configuration());
        MACHINE_VERIFY(machine, machine.start());
        auto const ready
            = machine.wait_for_serial_text(QStringLiteral("test input_echo: echoing"), boot_timeout);
        MACHINE_VERIFY(machine, ready);
        MACHINE_CHECK(machine,
            machine.serial_text().contains(QStringLiteral("mouse with wheel (IntelliMouse)")),
            QStringLiteral("the PS/2 mouse did not answer the IntelliMouse sequence"));

        // One step at a time, each waited for: QEMU's PS/2 mouse keeps only the latest button
        // state while its 16-byte queue is full, so a press and release sent faster than the
        // guest reads could merge into nothing (as they would with a real mouse).
        struct Step {
            QJsonArray events;
            QString line;
        };
        QList<Step> const steps {
            {{relative_event(QStringLiteral("x"), 10), relative_event(QStringLiteral("y"), 20)},
                QStringLiteral("phantom: input: pointer relative dx=10 dy=20")},
            {{relative_event(QStringLiteral("x"), -7)},
                QStringLiteral("phantom: input: pointer relative dx=-7 dy=0")},
            {{button_event(QStringLiteral("left"), true)},
                QStringLiteral("phantom: input: button left pressed")},
            {{button_event(QStringLiteral("left"), false)},
                QStringLiteral("phantom: input: button left released")},
            {{button_event(QStringLiteral("right"), true)},
                QStringLiteral("phantom: input: button right pressed")},
            {{button_event(QStringLiteral("right"), false)},
                QStringLiteral("phantom: input: button right released")},
            {{button_event(QStringLiteral("middle"), true)},
                QStringLiteral("phantom: input: button middle pressed")},
            {{button_event(QStringLiteral("middle"), false)},
                QStringLiteral("phantom: input: button middle released")},
            {{button_event(QStringLiteral("wheel-up"), true),
                 button_event(QStringLiteral("wheel-up"), false)},
                QStringLiteral("phantom: input: wheel x=0 y=1")},
            {{button_event(QStringLiteral("wheel-down"), true),
                 button_event(QStringLiteral("wheel-down"), false)},
                QStringLiteral("phantom: input: wheel x=0 y=-1")},
        };
        QStringList expected;
        int search_from = ready->line_index + 1;
        for (auto const& step : steps) {
            MACHINE_VERIFY(machine,
                machine.execute(QStringLiteral("input-send-event"),
                    QJsonObject {{QStringLiteral("events"), step.events}}));
            auto const arrived = machine.wait_for_serial_text(step.line, event_timeout, search_from);
            MACHINE_VERIFY(machine, arrived);
            search_from = arrived->line_index + 1;
            expected << step.line;
        }
        QString problem;
        MACHINE_CHECK(
            machine, expect_input_lines(machine, ready->line_index + 1, expected, &problem), problem);

        end_input_echo(machine);
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }
};

QTEST_GUILESS_MAIN(ScreenInputTest)
#include "ScreenInputTest.moc"
