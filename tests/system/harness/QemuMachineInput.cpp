// QemuMachine: keyboard, mouse and screen through QMP (input-send-event, screendump).
#include <tests/system/harness/QemuMachine.h>

#include <tests/system/harness/KeyNames.h>

#include <QFile>
#include <QJsonArray>

namespace SystemTest {

static QJsonObject key_event(QString const& qcode, bool down)
{
    return QJsonObject {
        {QStringLiteral("type"), QStringLiteral("key")},
        {QStringLiteral("data"),
            QJsonObject {{QStringLiteral("down"), down},
                {QStringLiteral("key"),
                    QJsonObject {{QStringLiteral("type"), QStringLiteral("qcode")},
                        {QStringLiteral("data"), qcode}}}}},
    };
}

static QJsonObject absolute_event(QString const& axis, int value)
{
    return QJsonObject {
        {QStringLiteral("type"), QStringLiteral("abs")},
        {QStringLiteral("data"),
            QJsonObject {{QStringLiteral("axis"), axis}, {QStringLiteral("value"), value}}},
    };
}

static QString button_name(MouseButton button)
{
    switch (button) {
    case MouseButton::Left:
        return QStringLiteral("left");
    case MouseButton::Middle:
        return QStringLiteral("middle");
    case MouseButton::Right:
        return QStringLiteral("right");
    case MouseButton::WheelUp:
        return QStringLiteral("wheel-up");
    case MouseButton::WheelDown:
        return QStringLiteral("wheel-down");
    }
    return QStringLiteral("left");
}

bool QemuMachine::send_input_events(QJsonArray const& events)
{
    return execute(QStringLiteral("input-send-event"), QJsonObject {{QStringLiteral("events"), events}})
        .has_value();
}

bool QemuMachine::send_key(QString const& combination)
{
    QString problem;
    auto const qcodes = qcodes_for_combination(combination, &problem);
    if (!qcodes)
        return fail(problem);
    // One event per command, so each reaches the guest as its own input report, the way a
    // person's key presses would.
    for (auto const& qcode : *qcodes) {
        if (!send_input_events(QJsonArray {key_event(qcode, true)})) {
            m_failure.prepend(QStringLiteral("pressing '%1' of '%2': ").arg(qcode, combination));
            return false;
        }
    }
    for (auto it = qcodes->crbegin(); it != qcodes->crend(); ++it) {
        if (!send_input_events(QJsonArray {key_event(*it, false)})) {
            m_failure.prepend(QStringLiteral("releasing '%1' of '%2': ").arg(*it, combination));
            return false;
        }
    }
    return true;
}

bool QemuMachine::type_text(QString const& text)
{
    for (QChar const character : text) {
        auto const key = key_for_character(character);
        if (!key)
            return fail(QStringLiteral("type_text cannot type the character U+%1 ('%2') on a US layout")
                            .arg(QString::number(character.unicode(), 16), QString(character)));
        QString const combination = key->shift ? QStringLiteral("shift-") + key->qcode : key->qcode;
        if (!send_key(combination))
            return false;
    }
    return true;
}

bool QemuMachine::require_pointer(char const* operation)
{
    if (m_configuration.pointer_device != PointerDevice::None)
        return true;
    return fail(QStringLiteral("%1 needs an absolute pointer device: set pointer_device to "
                               "PointerDevice::UsbTablet or PointerDevice::VirtioTablet in the configuration")
                    .arg(QLatin1String(operation)));
}

bool QemuMachine::move_mouse_to(QPoint position)
{
    if (!require_pointer("move_mouse_to"))
        return false;
    // QEMU's absolute axes run from 0 to 0x7fff across the whole screen.
    static constexpr int axis_maximum = 0x7fff;
    auto scale = [](int coordinate, int extent) {
        if (extent <= 1)
            return 0;
        return qBound(0, int(qint64(coordinate) * axis_maximum / (extent - 1)), axis_maximum);
    };
    QJsonArray const events {
        absolute_event(QStringLiteral("x"), scale(position.x(), m_screen_size.width())),
        absolute_event(QStringLiteral("y"), scale(position.y(), m_screen_size.height())),
    };
    if (!send_input_events(events)) {
        m_failure.prepend(
            QStringLiteral("moving the mouse to (%1, %2): ").arg(position.x()).arg(position.y()));
        return false;
    }
    return true;
}

bool QemuMachine::send_button(MouseButton button, bool down)
{
    if (!require_pointer(down ? "press_button" : "release_button"))
        return false;
    QJsonObject const event {
        {QStringLiteral("type"), QStringLiteral("btn")},
        {QStringLiteral("data"),
            QJsonObject {{QStringLiteral("down"), down}, {QStringLiteral("button"), button_name(button)}}},
    };
    return send_input_events(QJsonArray {event});
}

bool QemuMachine::press_button(MouseButton button) { return send_button(button, true); }

bool QemuMachine::release_button(MouseButton button) { return send_button(button, false); }

bool QemuMachine::click(MouseButton button) { return press_button(button) && release_button(button); }

std::optional<QImage> QemuMachine::screendump()
{
    ++m_screendump_count;
    QString path = m_directory.filePath(
        QStringLiteral("screen-%1.png").arg(m_screendump_count, 3, 10, QLatin1Char('0')));
    auto reply = execute(QStringLiteral("screendump"),
        QJsonObject {{QStringLiteral("filename"), path}, {QStringLiteral("format"), QStringLiteral("png")}});
    if (!reply) {
        // QEMU before 7.1, or built without libpng, only writes PPM (which QImage reads too).
        path = m_directory.filePath(
            QStringLiteral("screen-%1.ppm").arg(m_screendump_count, 3, 10, QLatin1Char('0')));
        reply = execute(QStringLiteral("screendump"), QJsonObject {{QStringLiteral("filename"), path}});
        if (!reply)
            return std::nullopt;
    }
    QImage image(path);
    if (image.isNull()) {
        fail(QStringLiteral("the screendump %1 could not be read as an image (%2 bytes)")
                 .arg(path)
                 .arg(QFile(path).size()));
        return std::nullopt;
    }
    m_screen_size = image.size();
    return image;
}

} // namespace SystemTest
