// QmpClient: QMP framing (one JSON object per line), greeting, command/reply matching.
#include <tests/system/harness/QmpClient.h>

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QThread>

namespace SystemTest {

using namespace std::chrono_literals;

bool QmpClient::connect_to(QString const& socket_path, std::chrono::milliseconds timeout)
{
    disconnect();
    QDeadlineTimer const deadline(timeout);
    // QEMU creates the socket while it starts up; until then connecting fails at once.
    for (;;) {
        m_socket.connectToServer(socket_path);
        if (m_socket.waitForConnected(qMax<qint64>(1, qMin<qint64>(1000, deadline.remainingTime()))))
            break;
        m_socket.abort();
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("could not connect to the QMP socket %1 within %2 ms (%3)")
                          .arg(socket_path)
                          .arg(timeout.count())
                          .arg(QFileInfo::exists(socket_path) ? m_socket.errorString()
                                                              : QStringLiteral("the socket does not exist"));
            return false;
        }
        QThread::msleep(10);
    }

    auto greeting = read_message(std::chrono::milliseconds(qMax<qint64>(1000, deadline.remainingTime())));
    if (!greeting || !greeting->contains(QStringLiteral("QMP"))) {
        m_error
            = QStringLiteral("QEMU did not send the QMP greeting: %1")
                  .arg(greeting ? QString::fromUtf8(QJsonDocument(*greeting).toJson(QJsonDocument::Compact))
                                : m_error);
        m_socket.abort();
        return false;
    }
    m_greeting = *greeting;
    m_connected = true;

    QJsonObject const reply = execute(QStringLiteral("qmp_capabilities"), {}, 10s);
    if (!succeeded(reply)) {
        m_error = QStringLiteral("qmp_capabilities was refused: %1").arg(error_text(reply));
        disconnect();
        return false;
    }
    return true;
}

void QmpClient::disconnect()
{
    m_socket.abort();
    m_buffer.clear();
    m_connected = false;
}

QJsonObject QmpClient::harness_error(QString const& description)
{
    return QJsonObject {{QStringLiteral("error"),
        QJsonObject {{QStringLiteral("class"), QStringLiteral("HarnessError")},
            {QStringLiteral("desc"), description}}}};
}

QString QmpClient::error_text(QJsonObject const& reply)
{
    if (succeeded(reply))
        return {};
    QJsonObject const error = reply.value(QStringLiteral("error")).toObject();
    return QStringLiteral("%1: %2").arg(
        error.value(QStringLiteral("class")).toString(), error.value(QStringLiteral("desc")).toString());
}

std::optional<QJsonObject> QmpClient::take_buffered_message()
{
    for (;;) {
        qsizetype const newline = m_buffer.indexOf('\n');
        if (newline < 0)
            return std::nullopt;
        QByteArray const line = m_buffer.left(newline).trimmed();
        m_buffer.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        QJsonParseError parse_error;
        QJsonDocument const document = QJsonDocument::fromJson(line, &parse_error);
        if (!document.isObject()) {
            m_error = QStringLiteral("QEMU sent a QMP line that is not a JSON object (%1): %2")
                          .arg(parse_error.errorString(), QString::fromUtf8(line.left(200)));
            continue;
        }
        return document.object();
    }
}

std::optional<QJsonObject> QmpClient::read_message(std::chrono::milliseconds timeout)
{
    QDeadlineTimer const deadline(timeout);
    for (;;) {
        if (auto message = take_buffered_message())
            return message;
        if (m_socket.state() != QLocalSocket::ConnectedState) {
            m_error = QStringLiteral("the QMP connection is closed (QEMU has probably exited)");
            return std::nullopt;
        }
        if (deadline.hasExpired()) {
            m_error = QStringLiteral("QEMU sent nothing on QMP for %1 ms").arg(timeout.count());
            return std::nullopt;
        }
        if (m_socket.bytesAvailable() == 0)
            m_socket.waitForReadyRead(qMax<qint64>(1, deadline.remainingTime()));
        m_buffer += m_socket.readAll();
    }
}

QJsonObject QmpClient::execute(
    QString const& command, QJsonObject const& arguments, std::chrono::milliseconds timeout)
{
    if (!is_connected())
        return harness_error(QStringLiteral("cannot run '%1': QMP is not connected").arg(command));

    int const id = m_next_id++;
    QJsonObject request {{QStringLiteral("execute"), command}, {QStringLiteral("id"), id}};
    if (!arguments.isEmpty())
        request.insert(QStringLiteral("arguments"), arguments);
    m_socket.write(QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n');
    if (!m_socket.waitForBytesWritten(int(timeout.count())) && m_socket.bytesToWrite() > 0)
        return harness_error(
            QStringLiteral("could not send '%1' to QMP: %2").arg(command, m_socket.errorString()));

    QDeadlineTimer const deadline(timeout);
    for (;;) {
        auto message = read_message(std::chrono::milliseconds(qMax<qint64>(0, deadline.remainingTime())));
        if (!message)
            return harness_error(QStringLiteral("no reply to '%1': %2").arg(command, m_error));
        if (message->contains(QStringLiteral("event"))) {
            m_events.append(*message);
            continue;
        }
        if (message->value(QStringLiteral("id")).toInt(-1) != id)
            continue; // A late reply to an earlier command that timed out.
        return *message;
    }
}

QList<QJsonObject> QmpClient::take_events() { return std::exchange(m_events, {}); }

std::optional<QJsonObject> QmpClient::wait_for_event(QString const& name, std::chrono::milliseconds timeout)
{
    auto find_kept = [&]() -> std::optional<QJsonObject> {
        for (auto const& event : m_events) {
            if (event.value(QStringLiteral("event")).toString() == name)
                return event;
        }
        return std::nullopt;
    };
    if (auto event = find_kept())
        return event;
    QDeadlineTimer const deadline(timeout);
    while (!deadline.hasExpired()) {
        auto message = read_message(std::chrono::milliseconds(qMax<qint64>(0, deadline.remainingTime())));
        if (!message)
            break;
        if (!message->contains(QStringLiteral("event")))
            continue;
        m_events.append(*message);
        if (message->value(QStringLiteral("event")).toString() == name)
            return *message;
    }
    m_error = QStringLiteral("no QMP event '%1' within %2 ms").arg(name).arg(timeout.count());
    return std::nullopt;
}

} // namespace SystemTest
