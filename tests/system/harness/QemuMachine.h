// QemuMachine: one QEMU run of the Phantom kernel, driven from a test.
//
// start() runs qemu-system-x86_64 through QProcess with the contract's devices: no display,
// -no-reboot, isa-debug-exit for the verdict, COM1 into <directory>/com1.log and a QMP
// socket at <directory>/qmp.sock (a fresh temporary directory per machine). The test then
// waits for serial lines, talks QMP (keys, mouse, screendumps) and finally waits for the
// verdict, or cuts the power.
//
// Nothing here throws or aborts: a call that fails returns false or nothing and leaves a
// message in failure() that says what happened and quotes the last serial lines. Use the
// macros in SystemTest.h so a failed check prints that message.
//
// Every timeout is multiplied by PHANTOM_TIMEOUT_SCALE (Environment.h). QEMU is killed
// when the machine is destroyed.
#pragma once

#include <tests/system/harness/MachineConfiguration.h>
#include <tests/system/harness/QmpClient.h>
#include <tests/system/harness/SerialLog.h>
#include <tests/system/harness/Verdict.h>

#include <QElapsedTimer>
#include <QImage>
#include <QJsonValue>
#include <QPoint>
#include <QProcess>
#include <QTemporaryDir>

#include <chrono>
#include <memory>
#include <optional>

namespace SystemTest {

enum class MouseButton { Left, Middle, Right, WheelUp, WheelDown };

class QemuMachine {
public:
    explicit QemuMachine(MachineConfiguration configuration);
    ~QemuMachine();
    QemuMachine(QemuMachine const&) = delete;
    QemuMachine& operator=(QemuMachine const&) = delete;

    MachineConfiguration const& configuration() const { return m_configuration; }
    // The temporary directory holding com1.log, qmp.sock and screendumps. It is removed
    // with the machine unless PHANTOM_KEEP_MACHINE_FILES is set.
    QString directory() const { return m_directory.path(); }
    QString serial_log_path() const;
    QString qmp_socket_path() const;
    // The arguments start() passes to QEMU.
    QStringList qemu_arguments() const;

    // Starts QEMU (once per machine). Fails when QEMU cannot be run, when KVM is required
    // but unusable, or when the kernel file does not exist.
    [[nodiscard]] bool start();
    bool is_running();
    // Wall time since QEMU was started.
    std::chrono::nanoseconds elapsed() const;

    // --- Serial (COM1) ---
    // Waits until a complete serial line at or after `first_line` matches. Gives up early
    // when QEMU exits without printing it.
    std::optional<SerialMatch> wait_for_serial(
        QRegularExpression const& pattern, std::chrono::milliseconds timeout, int first_line = 0);
    // The same for a line containing `text` literally.
    std::optional<SerialMatch> wait_for_serial_text(
        QString const& text, std::chrono::milliseconds timeout, int first_line = 0);
    QStringList serial_lines();
    QString serial_text();

    // --- End of the run ---
    // Waits for QEMU to exit. On timeout QEMU is killed and the verdict is Timeout.
    Verdict wait_for_exit(std::chrono::milliseconds timeout);
    // wait_for_exit() and check the kind; the failure names both verdicts.
    [[nodiscard]] bool expect_verdict(VerdictKind expected, std::chrono::milliseconds timeout);
    // The verdict so far (NotFinished while QEMU runs).
    Verdict verdict();
    // SIGKILL to QEMU, like pulling the plug: nothing is flushed, the verdict is PowerCut.
    void power_cut();
    void kill() { power_cut(); }

    // --- QMP ---
    // Connects on first use; every QMP helper below calls it.
    [[nodiscard]] bool ensure_qmp();
    QmpClient& qmp() { return m_qmp; }
    // Runs a command and returns its "return" value, or nothing with failure() set.
    std::optional<QJsonValue> execute(QString const& command, QJsonObject const& arguments = {});
    // "kvm" or "tcg", asked from QEMU (query-kvm), so Accelerator::Auto can be checked.
    std::optional<QString> active_accelerator();

    // --- Input ---
    // Presses a combination like "ctrl-alt-delete" (KeyNames.h), releasing in reverse order.
    [[nodiscard]] bool send_key(QString const& combination);
    // Types text on a US layout, one key press and release per character.
    [[nodiscard]] bool type_text(QString const& text);
    // Absolute pointer motion in screen pixels; needs configuration().pointer_device.
    [[nodiscard]] bool move_mouse_to(QPoint position);
    [[nodiscard]] bool press_button(MouseButton);
    [[nodiscard]] bool release_button(MouseButton);
    [[nodiscard]] bool click(MouseButton button = MouseButton::Left);

    // --- Screen ---
    // A QMP screendump (PNG, or PPM when this QEMU cannot write PNG) read back as an image.
    std::optional<QImage> screendump();
    QSize screen_size() const { return m_screen_size; }

    // --- Failures ---
    QString const& failure() const { return m_failure; }
    // `what` followed by the machine's state, QEMU's own output and the last serial lines.
    QString explain(QString const& what);

private:
    bool fail(QString const& what);
    void update_state();
    bool send_input_events(QJsonArray const& events);
    bool require_pointer(char const* operation);
    bool send_button(MouseButton, bool down);
    QString qemu_output();
    std::optional<QString> guest_stopped_by_qemu();

    MachineConfiguration m_configuration;
    QTemporaryDir m_directory;
    QProcess m_process;
    QElapsedTimer m_clock;
    SerialLog m_serial;
    QmpClient m_qmp;
    Verdict m_verdict;
    QString m_failure;
    QByteArray m_qemu_output;
    QSize m_screen_size;
    int m_screendump_count {0};
    bool m_started {false};
    bool m_power_cut_requested {false};
    bool m_timeout_kill {false};
};

} // namespace SystemTest
