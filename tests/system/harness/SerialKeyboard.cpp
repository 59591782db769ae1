// tests/system/harness/SerialKeyboard.cpp: see SerialKeyboard.h.
#include <tests/system/harness/SerialKeyboard.h>

#include <QByteArray>
#include <QFile>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace SystemTest {

SerialKeyboard::~SerialKeyboard()
{
    m_stopping = true;
    if (m_reader.joinable())
        m_reader.join();
    if (m_socket >= 0)
        ::close(m_socket);
}

bool SerialKeyboard::connect_to(QString const& path)
{
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    QByteArray encoded = QFile::encodeName(path);
    if (static_cast<size_t>(encoded.size()) >= sizeof(address.sun_path))
        return false;
    std::memcpy(address.sun_path, encoded.constData(), static_cast<size_t>(encoded.size()));
    // QEMU creates the socket shortly after it starts (later on a loaded machine).
    for (int attempt = 0; attempt < 3000; ++attempt) {
        m_socket = ::socket(AF_UNIX, SOCK_STREAM, 0);
        if (m_socket < 0)
            return false;
        if (::connect(m_socket, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
            m_reader = std::thread([this] { drain(); });
            return true;
        }
        ::close(m_socket);
        m_socket = -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

bool SerialKeyboard::type_line(QString const& line)
{
    QByteArray bytes = (line + QLatin1Char('\n')).toUtf8();
    qsizetype sent = 0;
    while (sent < bytes.size()) {
        ssize_t count = ::send(
            m_socket, bytes.constData() + sent, static_cast<size_t>(bytes.size() - sent), MSG_NOSIGNAL);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            return false;
        sent += count;
    }
    return true;
}

void SerialKeyboard::drain()
{
    char buffer[4096];
    while (!m_stopping) {
        pollfd descriptor {m_socket, POLLIN, 0};
        if (::poll(&descriptor, 1, 50) > 0 && ::recv(m_socket, buffer, sizeof(buffer), 0) <= 0)
            return;
    }
}

} // namespace SystemTest
