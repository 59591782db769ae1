// tests/system/DesktopSession.h: one QEMU boot of the desktop world for the desktop system
// tests and the desktop benchmark: the kernel with a virtio disk, the Bochs display
// (-vga std, 1024x768x32), a virtio tablet and the PS/2 keyboard, COM1 on a unix socket the
// session types the desktop's console commands into (shell/desktop/desktop.ph: `windows`,
// `show TITLE`, `open NAME`, `frames`, `snapshot`, `bench`).
//
//     DesktopSession session(image);
//     MACHINE_VERIFY(session.machine(), session.boot(DesktopSession::Expect::Fresh));
//     auto answer = session.ask("show Notepad", "desktop: (.*)");
//
// Synchronisation is on the console's answers and the desktop's frame counter, never on
// sleeps: settle() returns once two loop steps began after everything sent so far.
#pragma once

#include <tests/system/harness/SerialKeyboard.h>
#include <tests/system/harness/SystemTest.h>

#include <QElapsedTimer>
#include <QRect>
#include <QRegularExpression>
#include <QString>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

namespace SystemTest {

inline constexpr int desktop_taskbar_height = 36;
inline constexpr int desktop_title_height = 28; // windowing/WindowRecord.h FrameMetrics
inline constexpr int desktop_border = 1;

// A window as the desktop's `windows` command lists it: the frame's top left corner and the
// content size.
struct DesktopWindow {
    QString title;
    QPoint position;
    QSize content;
    bool focused {false};
    long draws_since_boot {0};
    // The whole frame on the screen: border, title bar, content.
    QRect frame() const
    {
        return {position,
            QSize(content.width() + 2 * desktop_border,
                content.height() + desktop_title_height + 2 * desktop_border)};
    }
};

class DesktopSession {
public:
    enum class Expect { Fresh, Resumed };

    enum class Display { Screen, Headless };
    // `image` is the virtio disk (created blank by the caller for a fresh world). `world`:
    // the embedded world a fresh disk installs: "desktop" (the desktop alone, its commands on
    // COM1) or "system" (the object shell on COM1, the desktop on the screen if there is one).
    explicit DesktopSession(QString const& image, QString const& world = QStringLiteral("desktop"),
        Display display = Display::Screen);

    QemuMachine& machine() { return *m_machine; }
    QString const& failure() const { return m_machine->failure(); }

    // Starts QEMU and waits until the desktop runs: a fresh world prints `desktop: ready WxH`;
    // a resumed one answers `frames`. The system world: until the object shell's banner (or
    // on a resume, its prompt). False (with describe()) when it does not.
    [[nodiscard]] bool boot(Expect);
    // Milliseconds from QEMU's start to the desktop's first answer.
    qint64 boot_milliseconds() const { return m_boot_milliseconds; }

    // Types `command` and waits for the first later line matching `answer`.
    std::optional<QRegularExpressionMatch> ask(QString const& command, QString const& answer,
        std::chrono::milliseconds timeout = std::chrono::seconds(60));
    // The system world: types an expression at the object shell on COM1 and returns the line
    // after its echo (its value or its error; kernel log lines are skipped).
    std::optional<QString> evaluate(QString const& expression);
    // The desktop loop's frame counter, or -1.
    long frames();
    // Returns once two loop steps began after this call (so all input sent before was taken
    // and its drawing presented).
    [[nodiscard]] bool settle();
    // The normal windows, from the `windows` command.
    std::optional<QList<DesktopWindow>> windows();
    std::optional<DesktopWindow> window(QString const& title);
    // Asks `show TITLE` until its answer matches `expected` (anchored after "desktop: ").
    std::optional<QString> wait_for_show(QString const& title, QRegularExpression const& expected,
        std::chrono::milliseconds timeout = std::chrono::seconds(60));
    // Asks `windows` until `condition` holds for the listing.
    template<typename Condition>
    std::optional<QList<DesktopWindow>> wait_for_windows(
        Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(60))
    {
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < scaled(timeout).count()) {
            auto listing = windows();
            if (!listing)
                return {};
            if (condition(*listing))
                return listing;
            if (!settle())
                return {};
        }
        m_failure_note = QStringLiteral("the window list never reached the expected state");
        return {};
    }
    QString const& note() const { return m_failure_note; }
    // The session's last complaint with the machine's state and its last serial lines.
    QString describe()
    {
        return m_machine->explain(m_failure_note.isEmpty() ? m_machine->failure() : m_failure_note);
    }

    // Types `text` into the focused window of the application titled `title` at a person's
    // pace: a few characters, then `show TITLE` until its answer holds everything typed so
    // far. (QEMU's PS/2 queue holds 16 bytes; keys sent faster than the guest takes them are
    // lost, as they would be on a real controller.)
    [[nodiscard]] bool type_into(QString const& title, QString const& text);

    // Pointer helpers through the virtio tablet.
    [[nodiscard]] bool click_at(QPoint);
    [[nodiscard]] bool drag(QPoint from, QPoint to, int steps = 8);
    // The launcher menu's entry `index` (shell/desktop/shell.ph: nine entries, 30 pixels each).
    QPoint menu_item(int index) const;
    QPoint launcher() const { return {20, 768 - desktop_taskbar_height / 2}; }

private:
    std::unique_ptr<QemuMachine> m_machine;
    SerialKeyboard m_typist;
    QString m_socket_path;
    QString m_world;
    int m_next_line {0};
    qint64 m_boot_milliseconds {0};
    QString m_failure_note;
};

// The kernel command line's world for the desktop, and the disk size the tests use.
inline constexpr qint64 desktop_disk_bytes = 128 * 1024 * 1024;

} // namespace SystemTest
