// QmpClient: a synchronous client of the QEMU Machine Protocol over a unix socket.
//
// connect_to() waits for QEMU's socket, reads the greeting and leaves capability
// negotiation with `qmp_capabilities`. execute() sends one command and blocks until its
// reply (matched by "id"); asynchronous events that arrive meanwhile are kept in events()
// for the test to inspect. No event loop is needed: everything uses the waitFor* calls.
//
// execute() always returns the reply object: {"return": ...} on success, {"error": {"class",
// "desc"}} when QEMU refused the command, and a synthesized {"error": {"class":
// "HarnessError", ...}} when the socket failed or QEMU did not answer in time.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QLocalSocket>
#include <QString>

#include <chrono>
#include <optional>

namespace SystemTest {

class QmpClient {
public:
    QmpClient() = default;
    QmpClient(QmpClient const&) = delete;
    QmpClient& operator=(QmpClient const&) = delete;

    // Connects (retrying while the socket does not exist yet), reads the greeting and
    // negotiates capabilities. On failure error() says why.
    [[nodiscard]] bool connect_to(QString const& socket_path, std::chrono::milliseconds timeout);
    bool is_connected() const { return m_connected && m_socket.state() == QLocalSocket::ConnectedState; }
    void disconnect();

    QJsonObject const& greeting() const { return m_greeting; }

    // Runs one command; see the file comment for the shape of the reply.
    QJsonObject execute(QString const& command, QJsonObject const& arguments = {},
        std::chrono::milliseconds timeout = std::chrono::seconds(30));

    static bool succeeded(QJsonObject const& reply) { return reply.contains(QStringLiteral("return")); }
    // "GenericError: Could not open '/nonexistent'" for an error reply, "" for success.
    static QString error_text(QJsonObject const& reply);

    // Asynchronous events ({"event": NAME, "data": ..., "timestamp": ...}) in arrival order.
    QList<QJsonObject> const& events() const { return m_events; }
    QList<QJsonObject> take_events();
    // Waits for an event named `name` (already received or arriving within `timeout`).
    std::optional<QJsonObject> wait_for_event(QString const& name, std::chrono::milliseconds timeout);

    QString const& error() const { return m_error; }

private:
    std::optional<QJsonObject> read_message(std::chrono::milliseconds timeout);
    std::optional<QJsonObject> take_buffered_message();
    static QJsonObject harness_error(QString const& description);

    QLocalSocket m_socket;
    QByteArray m_buffer;
    QJsonObject m_greeting;
    QList<QJsonObject> m_events;
    QString m_error;
    int m_next_id {1};
    bool m_connected {false};
};

} // namespace SystemTest
