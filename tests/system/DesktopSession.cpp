// tests/system/DesktopSession.cpp: see DesktopSession.h.
#include <tests/system/DesktopSession.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

using namespace std::chrono_literals;

namespace SystemTest {

namespace {

    // One directory for every session's COM1 socket: short paths (sun_path has 108 bytes).
    QString socket_folder()
    {
        static QTemporaryDir folder(QStringLiteral("/tmp/phantom-desk-XXXXXX"));
        return folder.path();
    }

} // namespace

DesktopSession::DesktopSession(QString const& image, QString const& world, Display display)
    : m_world(world)
{
    static int session_count = 0;
    m_socket_path = QStringLiteral("%1/com1-%2.sock").arg(socket_folder()).arg(++session_count);
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("world=") + world;
    configuration.pointer_device = PointerDevice::VirtioTablet;
    configuration.serial_input_socket = m_socket_path;
    configuration.memory_mib = 512;
    configuration.extra_arguments = virtio_disk_arguments(image);
    configuration.extra_arguments << QStringLiteral(
        "-vga") << (display == Display::Screen ? QStringLiteral("std") : QStringLiteral("none"));
    m_machine = std::make_unique<QemuMachine>(configuration);
}

bool DesktopSession::boot(Expect expect)
{
    if (!m_machine->start())
        return false;
    if (!m_typist.connect_to(m_socket_path)) {
        m_failure_note = QStringLiteral("cannot connect to COM1's socket %1").arg(m_socket_path);
        (void)m_machine->explain(m_failure_note);
        return false;
    }
    auto started = m_machine->wait_for_serial(
        QRegularExpression(QStringLiteral(R"(phantom: world: (fresh|resumed after \d+ ms))")), 120s);
    if (!started)
        return false;
    bool fresh = started->match.captured(1) == QStringLiteral("fresh");
    if (fresh != (expect == Expect::Fresh)) {
        m_failure_note = QStringLiteral("expected a %1 world, the kernel said: %2")
                             .arg(expect == Expect::Fresh ? "fresh" : "resumed", started->line);
        return false;
    }
    m_next_line = started->line_index + 1;
    if (m_world != QStringLiteral("desktop")) {
        auto shell = m_machine->wait_for_serial(
            QRegularExpression(fresh ? QStringLiteral(R"(phantom object shell \(generation \d+\))")
                                     : QStringLiteral(R"(resumed after \d+ ms)")),
            120s, m_next_line);
        if (!shell)
            return false;
        m_next_line = shell->line_index + 1;
        m_boot_milliseconds
            = std::chrono::duration_cast<std::chrono::milliseconds>(m_machine->elapsed()).count();
        return true;
    }
    if (fresh) {
        auto ready = m_machine->wait_for_serial(
            QRegularExpression(QStringLiteral(R"(desktop: ready (\d+)x(\d+))")), 120s, m_next_line);
        if (!ready)
            return false;
        m_next_line = ready->line_index + 1;
        m_boot_milliseconds
            = std::chrono::duration_cast<std::chrono::milliseconds>(m_machine->elapsed()).count();
        if (ready->match.captured(1) != QStringLiteral("1024")
            || ready->match.captured(2) != QStringLiteral("768")) {
            m_failure_note = QStringLiteral("the desktop is not 1024x768: %1").arg(ready->line);
            return false;
        }
    } else {
        // The resumed loop prints nothing: its answer is the sign of life.
        if (frames() < 0)
            return false;
        m_boot_milliseconds
            = std::chrono::duration_cast<std::chrono::milliseconds>(m_machine->elapsed()).count();
    }
    return true;
}

std::optional<QRegularExpressionMatch> DesktopSession::ask(
    QString const& command, QString const& answer, std::chrono::milliseconds timeout)
{
    int first = int(m_machine->serial_lines().size());
    if (!m_typist.type_line(command)) {
        m_failure_note = QStringLiteral("cannot type '%1' on COM1").arg(command);
        return {};
    }
    auto found
        = m_machine->wait_for_serial(QRegularExpression(answer), timeout, std::max(first, m_next_line));
    if (!found) {
        m_failure_note = QStringLiteral("no answer matching '%1' to '%2'").arg(answer, command);
        return {};
    }
    m_next_line = found->line_index + 1;
    return found->match;
}

std::optional<QString> DesktopSession::evaluate(QString const& expression)
{
    auto echo
        = ask(expression, QStringLiteral("^(phantom> )*%1$").arg(QRegularExpression::escape(expression)));
    if (!echo)
        return {};
    auto answer = m_machine->wait_for_serial(
        QRegularExpression(QStringLiteral("^(?!phantom: |phantom> )(.*)$")), 60s, m_next_line);
    if (!answer) {
        m_failure_note = QStringLiteral("no answer to '%1'").arg(expression);
        return {};
    }
    m_next_line = answer->line_index + 1;
    return answer->match.captured(1);
}

long DesktopSession::frames()
{
    auto answer = ask(QStringLiteral("frames"), QStringLiteral(R"(desktop: frames (\d+))"));
    return answer ? answer->captured(1).toLong() : -1;
}

bool DesktopSession::settle()
{
    long start = frames();
    if (start < 0)
        return false;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < scaled(60s).count()) {
        long now = frames();
        if (now < 0)
            return false;
        if (now >= start + 2)
            return true;
    }
    m_failure_note = QStringLiteral("the desktop's frame counter stopped at %1").arg(start);
    return false;
}

std::optional<QList<DesktopWindow>> DesktopSession::windows()
{
    int first = std::max(int(m_machine->serial_lines().size()), m_next_line);
    if (!ask(QStringLiteral("windows"), QStringLiteral("desktop: end")))
        return {};
    static QRegularExpression const pattern(QStringLiteral(
        R"(desktop: window (.+) at (-?\d+),(-?\d+) size (\d+)x(\d+) (\w+), drawn (\d+) times since boot(, focused)?)"));
    QList<DesktopWindow> listing;
    QStringList lines = m_machine->serial_lines();
    for (int index = first; index < m_next_line && index < lines.size(); ++index) {
        auto match = pattern.match(lines[index]);
        if (!match.hasMatch())
            continue;
        DesktopWindow window;
        window.title = match.captured(1);
        window.position = {match.captured(2).toInt(), match.captured(3).toInt()};
        window.content = {match.captured(4).toInt(), match.captured(5).toInt()};
        window.draws_since_boot = match.captured(7).toLong();
        window.focused = !match.captured(8).isEmpty();
        listing.append(window);
    }
    return listing;
}

std::optional<DesktopWindow> DesktopSession::window(QString const& title)
{
    auto listing = windows();
    if (!listing)
        return {};
    for (auto const& window : *listing) {
        if (window.title == title)
            return window;
    }
    m_failure_note = QStringLiteral("no window titled '%1'").arg(title);
    return {};
}

std::optional<QString> DesktopSession::wait_for_show(
    QString const& title, QRegularExpression const& expected, std::chrono::milliseconds timeout)
{
    QElapsedTimer clock;
    clock.start();
    QString last;
    while (clock.elapsed() < scaled(timeout).count()) {
        auto answer = ask(QStringLiteral("show ") + title, QStringLiteral("desktop: (.*)$"));
        if (!answer)
            return {};
        last = answer->captured(1);
        if (expected.match(last).hasMatch())
            return last;
        if (!settle())
            return {};
    }
    m_failure_note = QStringLiteral("`show %1` answered '%2', not '%3'").arg(title, last, expected.pattern());
    return {};
}

bool DesktopSession::type_into(QString const& title, QString const& text)
{
    constexpr int chunk = 3;
    for (int start = 0; start < text.size(); start += chunk) {
        if (!m_machine->type_text(text.mid(start, chunk)))
            return false;
        // The desktop's `show` writes line ends as \n.
        QString typed = text.left(start + chunk);
        typed.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
        if (!wait_for_show(title, QRegularExpression(QRegularExpression::escape(typed))))
            return false;
    }
    return true;
}

bool DesktopSession::click_at(QPoint point)
{
    return m_machine->move_mouse_to(point) && m_machine->press_button(MouseButton::Left)
        && m_machine->release_button(MouseButton::Left);
}

bool DesktopSession::drag(QPoint from, QPoint to, int steps)
{
    if (!m_machine->move_mouse_to(from) || !m_machine->press_button(MouseButton::Left))
        return false;
    for (int step = 1; step <= steps; ++step) {
        QPoint at(
            from.x() + (to.x() - from.x()) * step / steps, from.y() + (to.y() - from.y()) * step / steps);
        if (!m_machine->move_mouse_to(at))
            return false;
    }
    return m_machine->release_button(MouseButton::Left);
}

QPoint DesktopSession::menu_item(int index) const
{
    int const entries = 9;
    int const height = entries * 30 + 24;
    int const top = 768 - desktop_taskbar_height - height - 2;
    return {60, top + 12 + index * 30 + 15};
}

} // namespace SystemTest
