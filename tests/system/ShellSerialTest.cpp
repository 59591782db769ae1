// tests/system/ShellSerialTest.cpp: system.shell_serial, the object shell (shell/system.ph,
// the kernel's default world) driven over COM1. QEMU listens for the serial line on a unix
// socket the test connects to and types on; what the kernel writes is read from com1.log.
//   persist:  `var x = 42`, `snapshot`, `x = 7` (not committed), power cut (SIGKILL of QEMU),
//             boot again: the shell says it resumed and `x` prints 42
//   rollback: `var x = 1`, snapshot, `x = 2`, snapshot, `rollback` to the first: `x` is 1
#include <tests/system/harness/SerialKeyboard.h>
#include <tests/system/harness/SystemTest.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr qint64 disk_bytes = 64 * 1024 * 1024;

MachineConfiguration shell_machine(QString const& image, QString const& socket)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    // No periodic snapshots: only what the shell commits is in the next boot's world.
    configuration.command_line = QStringLiteral("snapshot_ms=0");
    configuration.serial_input_socket = socket;
    configuration.extra_arguments = virtio_disk_arguments(image);
    return configuration;
}

} // namespace

class ShellSerialTest : public QObject {
    Q_OBJECT

private:
    int m_next_line {0};

    // Types a line and waits for the shell's echo of it (the shell echoes on a serial line).
    std::optional<SerialMatch> type(QemuMachine& machine, SerialKeyboard& keyboard, QString const& line)
    {
        if (!keyboard.type_line(line)) {
            QTest::qFail("cannot type on the serial line", __FILE__, __LINE__);
            return {};
        }
        auto echo = machine.wait_for_serial(
            QRegularExpression(QStringLiteral("^(phantom> )*%1$").arg(QRegularExpression::escape(line))), 60s,
            m_next_line);
        if (!echo) {
            QTest::qFail(qPrintable(machine.failure()), __FILE__, __LINE__);
            return {};
        }
        m_next_line = echo->line_index + 1;
        return echo;
    }

    // Types a line, then waits for an output line matching `answer` (anchored). A log line
    // never splits an output line; a prompt may precede the answer on its line, as the test
    // types ahead of it.
    std::optional<SerialMatch> ask(
        QemuMachine& machine, SerialKeyboard& keyboard, QString const& line, QString const& answer)
    {
        if (!type(machine, keyboard, line))
            return {};
        auto reply = machine.wait_for_serial(
            QRegularExpression(QStringLiteral("^(phantom> )*%1$").arg(answer)), 60s, m_next_line);
        if (!reply) {
            QTest::qFail(qPrintable(machine.failure()), __FILE__, __LINE__);
            return {};
        }
        m_next_line = reply->line_index + 1;
        return reply;
    }

    // Boots the shell world; `fresh`: a new world greets, else the old one says it resumed.
    bool boot(QemuMachine& machine, SerialKeyboard& keyboard, QString const& socket, bool fresh)
    {
        m_next_line = 0;
        if (!machine.start()) {
            QTest::qFail(qPrintable(machine.failure()), __FILE__, __LINE__);
            return false;
        }
        if (!keyboard.connect_to(socket)) {
            QTest::qFail("cannot connect to the serial socket", __FILE__, __LINE__);
            return false;
        }
        QString greeting = fresh ? QStringLiteral(R"(^phantom object shell \(generation \d+\), type help$)")
                                 : QStringLiteral(R"(^resumed after \d+ ms at generation \d+$)");
        auto line = machine.wait_for_serial(QRegularExpression(greeting), 120s);
        if (!line) {
            QTest::qFail(qPrintable(machine.failure()), __FILE__, __LINE__);
            return false;
        }
        m_next_line = line->line_index + 1;
        return true;
    }

private slots:
    void variable_survives_a_power_cut()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("shell.img"));
        QString socket = directory.filePath(QStringLiteral("com1.sock"));
        QVERIFY(create_disk_image(image, disk_bytes));
        {
            QemuMachine machine(shell_machine(image, socket));
            SerialKeyboard keyboard;
            QVERIFY(boot(machine, keyboard, socket, true));
            QVERIFY(type(machine, keyboard, QStringLiteral("var x = 42")));
            QVERIFY(ask(machine, keyboard, QStringLiteral("x"), QStringLiteral("42")));
            QVERIFY(ask(machine, keyboard, QStringLiteral("snapshot"),
                QStringLiteral(R"(snapshot: generation \d+, pause \d+\.\d{3} ms, \d+ pages written)")));
            QVERIFY(ask(machine, keyboard, QStringLiteral("x = 7"), QStringLiteral("7")));
            machine.power_cut();
            MACHINE_CHECK(
                machine, !machine.serial_text().contains(QStringLiteral("PANIC")), "the kernel panicked");
        }
        QemuMachine machine(shell_machine(image, socket));
        SerialKeyboard keyboard;
        QVERIFY(boot(machine, keyboard, socket, false));
        MACHINE_CHECK(machine,
            machine.serial_text().contains(QStringLiteral("phantom: world: resumed after")),
            "the world did not resume");
        QVERIFY(ask(machine, keyboard, QStringLiteral("x"), QStringLiteral("42")));
        machine.power_cut();
    }

    void rollback_restores_the_first_value()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("shell.img"));
        QString socket = directory.filePath(QStringLiteral("com1.sock"));
        QVERIFY(create_disk_image(image, disk_bytes));
        QemuMachine machine(shell_machine(image, socket));
        SerialKeyboard keyboard;
        QVERIFY(boot(machine, keyboard, socket, true));
        QVERIFY(type(machine, keyboard, QStringLiteral("var x = 1")));
        QVERIFY(ask(machine, keyboard, QStringLiteral("x"), QStringLiteral("1")));
        auto first = ask(machine, keyboard, QStringLiteral("snapshot"),
            QStringLiteral(
                R"(snapshot: generation (?<generation>\d+), pause \d+\.\d{3} ms, \d+ pages written)"));
        QVERIFY(first);
        QVERIFY(ask(machine, keyboard, QStringLiteral("x = 2"), QStringLiteral("2")));
        QVERIFY(ask(machine, keyboard, QStringLiteral("snapshot"),
            QStringLiteral(
                R"(snapshot: generation (?<generation>\d+), pause \d+\.\d{3} ms, \d+ pages written)")));
        QString generation = first->match.captured(QStringLiteral("generation"));
        QVERIFY(ask(machine, keyboard, QStringLiteral("rollback ") + generation,
            QStringLiteral(
                R"(rolled back to generation %1 \(now generation \d+\); resumed after \d+ ms at generation \d+)")
                .arg(generation)));
        QVERIFY(ask(machine, keyboard, QStringLiteral("x"), QStringLiteral("1")));
        MACHINE_CHECK(
            machine, !machine.serial_text().contains(QStringLiteral("PANIC")), "the kernel panicked");
        machine.power_cut();
    }
};

QTEST_GUILESS_MAIN(ShellSerialTest)
#include "ShellSerialTest.moc"
