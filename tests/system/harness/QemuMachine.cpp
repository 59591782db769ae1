// QemuMachine: QEMU process control, serial polling, verdicts and failure messages.
// The QMP-based helpers (input, screendump) are in QemuMachineInput.cpp.
#include <tests/system/harness/QemuMachine.h>

#include <tests/system/harness/Environment.h>

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>

namespace SystemTest {

using namespace std::chrono_literals;

static QString temporary_directory_template()
{
    // A unix socket path must fit in 108 bytes; a long TMPDIR would break the QMP socket.
    QString const preferred = QDir::tempPath() + QStringLiteral("/phantom-qemu-XXXXXX");
    return preferred.size() < 80 ? preferred : QStringLiteral("/tmp/phantom-qemu-XXXXXX");
}

QemuMachine::QemuMachine(MachineConfiguration configuration)
    : m_configuration(std::move(configuration))
    , m_directory(temporary_directory_template())
    , m_screen_size(m_configuration.assumed_screen_size)
{
    if (qEnvironmentVariableIsSet("PHANTOM_KEEP_MACHINE_FILES"))
        m_directory.setAutoRemove(false);
    m_serial.set_path(serial_log_path());
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

QemuMachine::~QemuMachine()
{
    m_qmp.disconnect();
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString QemuMachine::serial_log_path() const { return m_directory.filePath(QStringLiteral("com1.log")); }

QString QemuMachine::qmp_socket_path() const { return m_directory.filePath(QStringLiteral("qmp.sock")); }

QStringList QemuMachine::qemu_arguments() const
{
    QStringList arguments {
        QStringLiteral("-display"),
        QStringLiteral("none"),
        QStringLiteral("-no-reboot"),
        QStringLiteral("-device"),
        QStringLiteral("isa-debug-exit,iobase=0xf4,iosize=0x04"),
        QStringLiteral("-qmp"),
        QStringLiteral("unix:%1,server=on,wait=off").arg(qmp_socket_path()),
        QStringLiteral("-m"),
        QString::number(m_configuration.memory_mib),
    };
    if (m_configuration.serial_input_socket.isEmpty()) {
        arguments << QStringLiteral("-serial") << QStringLiteral("file:") + serial_log_path();
    } else {
        arguments << QStringLiteral("-chardev")
                  << QStringLiteral("socket,id=com1,path=%1,server=on,wait=off,logfile=%2")
                         .arg(m_configuration.serial_input_socket, serial_log_path())
                  << QStringLiteral("-serial") << QStringLiteral("chardev:com1");
    }
    switch (m_configuration.accelerator) {
    case Accelerator::Tcg:
        arguments << QStringLiteral("-accel") << QStringLiteral("tcg");
        break;
    case Accelerator::Kvm:
        arguments << QStringLiteral("-accel") << QStringLiteral("kvm");
        break;
    case Accelerator::Auto:
        // QEMU tries the accelerators in order, so a KVM that fails to initialize still runs.
        if (kvm_usable())
            arguments << QStringLiteral("-accel") << QStringLiteral("kvm");
        arguments << QStringLiteral("-accel") << QStringLiteral("tcg");
        break;
    }
    if (m_configuration.firmware == Firmware::Qboot)
        arguments << QStringLiteral("-bios") << QStringLiteral("qboot.rom"); // found in QEMU's data directory
    switch (m_configuration.pointer_device) {
    case PointerDevice::None:
        break;
    case PointerDevice::UsbTablet:
        arguments << QStringLiteral("-usb") << QStringLiteral("-device") << QStringLiteral("usb-tablet");
        break;
    case PointerDevice::VirtioTablet:
        arguments << QStringLiteral("-device") << QStringLiteral("virtio-tablet-pci");
        break;
    }
    arguments << QStringLiteral("-kernel") << m_configuration.kernel_path;
    if (!m_configuration.command_line.isEmpty())
        arguments << QStringLiteral("-append") << m_configuration.command_line;
    arguments << m_configuration.extra_arguments;
    return arguments;
}

bool QemuMachine::fail(QString const& what)
{
    m_failure = explain(what);
    return false;
}

bool QemuMachine::start()
{
    if (m_started)
        return fail(QStringLiteral("start() was called twice; use a new QemuMachine for another boot"));
    if (!m_directory.isValid())
        return fail(
            QStringLiteral("could not create a temporary directory: %1").arg(m_directory.errorString()));
    if (!QFileInfo(m_configuration.kernel_path).isFile())
        return fail(QStringLiteral("the kernel '%1' does not exist; build it first (cmake --build <build> "
                                   "--target kernel-pc) or set PHANTOM_KERNEL_DIR")
                        .arg(m_configuration.kernel_path));
    QString kvm_problem;
    if (m_configuration.accelerator == Accelerator::Kvm && !kvm_usable(&kvm_problem))
        return fail(QStringLiteral("KVM was requested but is not usable: %1").arg(kvm_problem));

    m_started = true;
    m_clock.start();
    m_process.start(qemu_executable(), qemu_arguments());
    if (!m_process.waitForStarted(int(scaled(30s).count()))) {
        return fail(QStringLiteral("could not run '%1': %2 (install qemu-system-x86 or set PHANTOM_QEMU)")
                        .arg(qemu_executable(), m_process.errorString()));
    }
    return true;
}

std::chrono::nanoseconds QemuMachine::elapsed() const
{
    return m_clock.isValid() ? std::chrono::nanoseconds(m_clock.nsecsElapsed()) : 0ns;
}

void QemuMachine::update_state()
{
    if (!m_started || !m_verdict.is(VerdictKind::NotFinished))
        return;
    // Without an event loop QProcess only notices the exit inside a waitFor* call.
    if (m_process.state() != QProcess::NotRunning)
        m_process.waitForFinished(0);
    if (m_process.state() != QProcess::NotRunning)
        return;
    m_qemu_output += m_process.readAll();
    m_serial.finish();
    if (m_power_cut_requested)
        m_verdict = Verdict::power_cut();
    else if (m_timeout_kill)
        m_verdict = Verdict::timeout();
    else if (m_process.error() == QProcess::FailedToStart)
        m_verdict = Verdict::from_exit_status(1);
    else if (m_process.exitStatus() == QProcess::CrashExit)
        m_verdict = Verdict::from_signal(m_process.exitCode());
    else
        m_verdict = Verdict::from_exit_status(m_process.exitCode());
}

bool QemuMachine::is_running()
{
    update_state();
    return m_started && m_verdict.is(VerdictKind::NotFinished);
}

Verdict QemuMachine::verdict()
{
    update_state();
    return m_verdict;
}

std::optional<QString> QemuMachine::guest_stopped_by_qemu()
{
    // With KVM, an instruction KVM cannot emulate (an SSE store to MMIO, say) makes QEMU
    // print "KVM internal error" and pause the guest forever: nothing more will come, so
    // waiting for the deadline would only waste a minute.
    QString const output = qemu_output();
    qsizetype const position = output.indexOf(QStringLiteral("internal error"));
    if (position < 0)
        return std::nullopt;
    qsizetype const line_start = output.lastIndexOf(QLatin1Char('\n'), position) + 1;
    return output.mid(line_start).section(QLatin1Char('\n'), 0, 0);
}

QString QemuMachine::qemu_output()
{
    if (m_process.state() != QProcess::NotRunning)
        m_qemu_output += m_process.readAll();
    return QString::fromLocal8Bit(m_qemu_output).trimmed();
}

std::optional<SerialMatch> QemuMachine::wait_for_serial(
    QRegularExpression const& pattern, std::chrono::milliseconds timeout, int first_line)
{
    if (!m_started) {
        fail(QStringLiteral("wait_for_serial() before start()"));
        return std::nullopt;
    }
    QDeadlineTimer const deadline(scaled(timeout));
    for (;;) {
        m_serial.refresh();
        if (auto match = m_serial.find(pattern, first_line))
            return match;
        if (!is_running()) {
            // update_state() has read the final fragment; it may hold the line.
            if (auto match = m_serial.find(pattern, first_line))
                return match;
            fail(QStringLiteral("QEMU ended (%1) before a serial line matched /%2/")
                     .arg(m_verdict.description(), pattern.pattern()));
            return std::nullopt;
        }
        if (auto const reason = guest_stopped_by_qemu()) {
            fail(QStringLiteral("QEMU stopped the guest (\"%1\") before a serial line matched /%2/")
                     .arg(*reason, pattern.pattern()));
            return std::nullopt;
        }
        if (deadline.hasExpired()) {
            fail(QStringLiteral("no serial line matched /%1/ within %2 ms")
                     .arg(pattern.pattern())
                     .arg(scaled(timeout).count()));
            return std::nullopt;
        }
        // Sleeps for the poll interval, but returns at once if QEMU exits meanwhile.
        m_process.waitForFinished(int(
            qMin<qint64>(m_configuration.poll_interval.count(), qMax<qint64>(1, deadline.remainingTime()))));
    }
}

std::optional<SerialMatch> QemuMachine::wait_for_serial_text(
    QString const& text, std::chrono::milliseconds timeout, int first_line)
{
    return wait_for_serial(QRegularExpression(QRegularExpression::escape(text)), timeout, first_line);
}

QStringList QemuMachine::serial_lines()
{
    update_state();
    m_serial.refresh();
    return m_serial.lines();
}

QString QemuMachine::serial_text()
{
    update_state();
    m_serial.refresh();
    return m_serial.text();
}

Verdict QemuMachine::wait_for_exit(std::chrono::milliseconds timeout)
{
    if (!m_started) {
        fail(QStringLiteral("wait_for_exit() before start()"));
        return m_verdict;
    }
    QDeadlineTimer const deadline(scaled(timeout));
    while (is_running() && !deadline.hasExpired())
        m_process.waitForFinished(int(qMax<qint64>(1, qMin<qint64>(1000, deadline.remainingTime()))));
    if (is_running()) {
        m_timeout_kill = true;
        m_process.kill();
        m_process.waitForFinished(5000);
        update_state();
        fail(QStringLiteral("QEMU did not exit within %1 ms; the harness killed it")
                 .arg(scaled(timeout).count()));
    }
    return m_verdict;
}

bool QemuMachine::expect_verdict(VerdictKind expected, std::chrono::milliseconds timeout)
{
    Verdict const verdict = wait_for_exit(timeout);
    if (verdict.is(expected))
        return true;
    return fail(QStringLiteral("expected the verdict '%1', got %2")
                    .arg(Verdict::kind_name(expected), verdict.description()));
}

void QemuMachine::power_cut()
{
    if (!is_running())
        return;
    m_power_cut_requested = true;
    m_qmp.disconnect();
    m_process.kill();
    m_process.waitForFinished(5000);
    update_state();
}

bool QemuMachine::ensure_qmp()
{
    if (m_qmp.is_connected())
        return true;
    if (!is_running())
        return fail(QStringLiteral("cannot talk QMP: QEMU is not running (%1)").arg(m_verdict.description()));
    if (!m_qmp.connect_to(qmp_socket_path(), scaled(30s)))
        return fail(QStringLiteral("QMP: %1").arg(m_qmp.error()));
    return true;
}

std::optional<QJsonValue> QemuMachine::execute(QString const& command, QJsonObject const& arguments)
{
    if (!ensure_qmp())
        return std::nullopt;
    QJsonObject const reply = m_qmp.execute(command, arguments, scaled(30s));
    if (!QmpClient::succeeded(reply)) {
        fail(QStringLiteral("QMP command '%1' failed: %2").arg(command, QmpClient::error_text(reply)));
        return std::nullopt;
    }
    return reply.value(QStringLiteral("return"));
}

std::optional<QString> QemuMachine::active_accelerator()
{
    auto const reply = execute(QStringLiteral("query-kvm"));
    if (!reply)
        return std::nullopt;
    return reply->toObject().value(QStringLiteral("enabled")).toBool() ? QStringLiteral("kvm")
                                                                       : QStringLiteral("tcg");
}

QString QemuMachine::explain(QString const& what)
{
    update_state();
    m_serial.refresh();

    QString message = what;
    message
        += QStringLiteral("\n  kernel: %1, command line: '%2', accelerator %3, firmware %4")
               .arg(m_configuration.kernel_path, m_configuration.command_line,
                   accelerator_name(m_configuration.accelerator), firmware_name(m_configuration.firmware));
    if (!m_started)
        message += QStringLiteral("\n  QEMU: not started");
    else if (m_verdict.is(VerdictKind::NotFinished))
        message += QStringLiteral("\n  QEMU: running for %1 ms").arg(m_clock.elapsed());
    else
        message
            += QStringLiteral("\n  QEMU: %1 after %2 ms").arg(m_verdict.description()).arg(m_clock.elapsed());
    QStringList quoted_arguments;
    for (auto const& argument : qemu_arguments())
        quoted_arguments << (argument.contains(QLatin1Char(' ')) ? QStringLiteral("'%1'").arg(argument)
                                                                 : argument);
    message += QStringLiteral("\n  command: %1 %2")
                   .arg(qemu_executable(), quoted_arguments.join(QLatin1Char(' ')));

    QString const output = qemu_output();
    if (!output.isEmpty()) {
        QStringList const output_lines = output.split(QLatin1Char('\n'));
        message += QStringLiteral("\n  QEMU said:");
        // The first lines usually say what went wrong, the last ones where it stopped.
        constexpr qsizetype head_lines = 4;
        constexpr qsizetype tail_lines = 8;
        for (qsizetype index = 0; index < output_lines.size(); ++index) {
            if (index == head_lines && output_lines.size() > head_lines + tail_lines) {
                message += QStringLiteral("\n    [%1 lines left out]")
                               .arg(output_lines.size() - head_lines - tail_lines);
                index = output_lines.size() - tail_lines;
            }
            message += QStringLiteral("\n    ") + output_lines[index];
        }
    }

    QStringList const tail = m_serial.tail(20);
    if (tail.isEmpty()) {
        message += QStringLiteral("\n  serial: nothing was written to COM1 (%1)").arg(serial_log_path());
    } else {
        message += QStringLiteral("\n  last %1 serial lines (%2 in all, %3):")
                       .arg(tail.size())
                       .arg(m_serial.lines().size())
                       .arg(serial_log_path());
        for (auto const& line : tail)
            message += QStringLiteral("\n    | ") + line;
    }
    if (m_directory.autoRemove())
        message += QStringLiteral("\n  (set PHANTOM_KEEP_MACHINE_FILES=1 to keep %1)").arg(directory());
    return message;
}

} // namespace SystemTest
