// tests/system/harness/SerialKeyboard.h: typing on COM1. With
// MachineConfiguration::serial_input_socket set, QEMU also listens for the serial line on a
// unix socket; SerialKeyboard connects to it and sends lines, the way a person types at the
// object shell. QEMU stalls the guest's UART when what it sends to the socket is not read, so a
// thread drains the socket all the time (com1.log has everything anyway: read the answers
// there, with QemuMachine::wait_for_serial).
//
//     SerialKeyboard keyboard;
//     if (!keyboard.connect_to(configuration.serial_input_socket)) ...
//     keyboard.type_line("var x = 42");
#pragma once

#include <QString>
#include <atomic>
#include <thread>

namespace SystemTest {

class SerialKeyboard {
public:
    SerialKeyboard() = default;
    ~SerialKeyboard();
    SerialKeyboard(SerialKeyboard const&) = delete;
    SerialKeyboard& operator=(SerialKeyboard const&) = delete;

    // Connects to QEMU's socket, waiting up to ~30 s for QEMU to create it.
    [[nodiscard]] bool connect_to(QString const& path);
    // Sends the line and a newline; false when the socket is gone.
    [[nodiscard]] bool type_line(QString const& line);

private:
    void drain();

    int m_socket {-1};
    std::atomic<bool> m_stopping {false};
    std::thread m_reader;
};

} // namespace SystemTest
