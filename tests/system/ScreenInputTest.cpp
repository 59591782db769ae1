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
    static constexpr QRgb bars[] = {qRgb(255, 255, 255), qRgb(255, 255, 0), qRgb(0, 255, 255), qRgb(0, 255, 0),
        qRgb(255, 0, 255), qRgb(255, 0, 0), qRgb(0, 0, 255), qRgb(0, 0, 0)};
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
        .arg(key, pressed ? QStringLiteral("pressed") : QStringLiteral("released"), modifiers, character_text);
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

// Waits until the input lines from `first` on end with `expected`, then compares them all.
bool expect_input_lines(QemuMachine& machine, int first, QStringList const& expected, QString* problem)
{
    if (!machine.wait_for_serial_text(expected.last(), event_timeout, first)) {
        *problem = QStringLiteral("the line '%1' never came").arg(expected.last());
        return false;
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
        {QStringLiteral("data"), QJsonObject {{QStringLiteral("axis"), axis}, {QStringLiteral("value"), value}}}};
}

QJsonObject button_event(QString const& button, bool down)
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("btn")},
        {QStringLiteral("data"), QJsonObject {{QStringLiteral("down"), down}, {QStringLiteral("button"), button}}}};
}

} // namespace

class ScreenInputTest : public QObject {
    Q_OBJECT

private slots:
    void screen_shows_the_pattern_exactly_data()
    {
        QTest::addColumn<QString>("extra_command_line");
        QTest::addColumn<QSize>("size");
        QTest::newRow("default 1024x768") << QString() << QSize(1024, 768);
        QTest::newRow("screen=800x600") << QStringLiteral(" screen=800x600") << QSize(800, 600);
    }
    void screen_shows_the_pattern_exactly()
    {
        QFETCH(QString, extra_command_line);
        QFETCH(QSize, size);
        MachineConfiguration configuration;
        configuration.kernel_path = kernel_path(KernelImage::Product);
        configuration.command_line = QStringLiteral("test=screen_pattern") + extra_command_line;
        QemuMachine machine(configuration);
        MACHINE_VERIFY(machine, machine.start());
        auto const drawn = machine.wait_for_serial(
            QRegularExpression(QStringLiteral(R"(^phantom: test screen_pattern: drawn (\d+)x(\d+);)")), boot_timeout);
        MACHINE_VERIFY(machine, drawn);
        MACHINE_CHECK(machine, QSize(drawn->match.captured(1).toInt(), drawn->match.captured(2).toInt()) == size,
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

        // Any key ends the test; it reaches the kernel through the PS/2 keyboard.
        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("ret")));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }

    void ps2_keyboard_keys_arrive()
    {
        QemuMachine machine(input_echo_configuration());
        MACHINE_VERIFY(machine, machine.start());
        auto const ready = machine.wait_for_serial_text(QStringLiteral("test input_echo: echoing"), boot_timeout);
        MACHINE_VERIFY(machine, ready);
        MACHINE_CHECK(machine, machine.serial_text().contains(QStringLiteral("phantom: ps2: keyboard ready")),
            QStringLiteral("the PS/2 keyboard was not found"));

        MACHINE_VERIFY(machine, machine.type_text(QStringLiteral("phAntom")));
        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("ctrl-c")));
        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("up")));
        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("kp_enter")));
        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("shift-1")));
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
        QString problem;
        MACHINE_CHECK(machine, expect_input_lines(machine, ready->line_index + 1, expected, &problem), problem);

        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("esc")));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }

    void ps2_mouse_motion_buttons_and_wheel_arrive()
    {
        QemuMachine machine(input_echo_configuration());
        MACHINE_VERIFY(machine, machine.start());
        auto const ready = machine.wait_for_serial_text(QStringLiteral("test input_echo: echoing"), boot_timeout);
        MACHINE_VERIFY(machine, ready);
        MACHINE_CHECK(machine, machine.serial_text().contains(QStringLiteral("mouse with wheel (IntelliMouse)")),
            QStringLiteral("the PS/2 mouse did not answer the IntelliMouse sequence"));

        // One input-send-event per step, so each becomes its own PS/2 packet.
        auto send = [&](QJsonArray const& events) {
            return machine
                .execute(QStringLiteral("input-send-event"), QJsonObject {{QStringLiteral("events"), events}})
                .has_value();
        };
        MACHINE_VERIFY(machine, send(QJsonArray {relative_event(QStringLiteral("x"), 10), relative_event(QStringLiteral("y"), 20)}));
        MACHINE_VERIFY(machine, send(QJsonArray {relative_event(QStringLiteral("x"), -7)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("left"), true)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("left"), false)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("right"), true)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("right"), false)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("wheel-up"), true)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("wheel-up"), false)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("wheel-down"), true)}));
        MACHINE_VERIFY(machine, send(QJsonArray {button_event(QStringLiteral("wheel-down"), false)}));
        QStringList const expected {
            QStringLiteral("phantom: input: pointer relative dx=10 dy=20"),
            QStringLiteral("phantom: input: pointer relative dx=-7 dy=0"),
            QStringLiteral("phantom: input: button left pressed"),
            QStringLiteral("phantom: input: button left released"),
            QStringLiteral("phantom: input: button right pressed"),
            QStringLiteral("phantom: input: button right released"),
            QStringLiteral("phantom: input: wheel x=0 y=1"),
            QStringLiteral("phantom: input: wheel x=0 y=-1"),
        };
        QString problem;
        MACHINE_CHECK(machine, expect_input_lines(machine, ready->line_index + 1, expected, &problem), problem);

        MACHINE_VERIFY(machine, machine.send_key(QStringLiteral("esc")));
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, event_timeout));
    }
};

QTEST_GUILESS_MAIN(ScreenInputTest)
#include "ScreenInputTest.moc"
