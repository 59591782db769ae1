// tests/system/DesktopQemuTest.cpp: the desktop (shell/desktop/desktop.ph, embedded world
// `desktop`) in QEMU under TCG, driven like a person would through QMP (virtio tablet, PS/2
// keys) and checked on QMP screendumps and the desktop's console over COM1 (DesktopSession.h).
// Each function is its own CTest test (system.desktop_NAME) and boots its own machine:
//   boot:        the desktop appears: wallpaper, task bar, 1024x768
//   power_cut:   Notepad opened from the launcher, a line typed, snapshot, SIGKILL of QEMU;
//                the next boot shows the window at the same place with the same text and
//                the same pixels, without the program drawing it again
//   drag:        a window dragged by its title bar moves, its pixels with it
//   calculator:  12*12= typed into the Calculator shows 144
//   alt_tab:     Alt+Tab gives the focus to the previous window
//   showcase:    several applications open; PHANTOM_DESKTOP_SCREENSHOT=FILE.png keeps the
//                screen (docs/images/desktop-qemu.png is made this way)
#include <tests/system/DesktopSession.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace std::chrono_literals;
using namespace SystemTest;

#define SESSION_VERIFY(session, expression)                                                                  \
    do {                                                                                                     \
        bool const session_ok = static_cast<bool>(expression);                                               \
        if (!QTest::qVerify(session_ok, #expression, qPrintable((session).describe()), __FILE__, __LINE__))  \
            return;                                                                                          \
    } while (false)

namespace {

QString fresh_disk(QTemporaryDir const& directory)
{
    QString image = directory.filePath(QStringLiteral("desktop.img"));
    return create_disk_image(image, desktop_disk_bytes) ? image : QString();
}

// The part of the screen above the task bar (whose clock and snapshot age move on).
QRect const above_taskbar(0, 0, 1024, 768 - desktop_taskbar_height);

// Asks the object shell (COM1) `expression` until it answers `expected` (a whole line).
bool wait_for_answer(DesktopSession& session, QString const& expression, QString const& expected)
{
    QElapsedTimer clock;
    clock.start();
    QRegularExpression const wanted(QStringLiteral("^%1$").arg(expected));
    while (clock.elapsed() < scaled(60s).count()) {
        auto answer = session.evaluate(expression);
        if (!answer)
            return false;
        if (wanted.match(*answer).hasMatch())
            return true;
    }
    return false;
}

} // namespace

class DesktopQemuTest : public QObject {
    Q_OBJECT

private slots:
    void boot()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        SESSION_VERIFY(session, session.settle());
        auto screen = session.machine().screendump();
        SESSION_VERIFY(session, screen);
        QCOMPARE(screen->size(), QSize(1024, 768));
        // The task bar: dark blue-grey (0x1b2230 over the wallpaper) along the bottom edge.
        QRect taskbar(300, 768 - desktop_taskbar_height + 4, 300, desktop_taskbar_height - 8);
        double bar = fraction_of_pixels_near(*screen, QColor(0x1b, 0x22, 0x30), 24, taskbar);
        QVERIFY2(bar > 0.9, qPrintable(QStringLiteral("task bar colour on %1 of its pixels").arg(bar)));
        // The wallpaper: a vertical gradient from 0x16213e, never the text console's blue.
        QRect top_left(0, 0, 200, 40);
        double wallpaper = fraction_of_pixels_near(*screen, QColor(0x16, 0x21, 0x3e), 24, top_left);
        QVERIFY2(wallpaper > 0.9, qPrintable(QStringLiteral("wallpaper colour on %1").arg(wallpaper)));
        QVERIFY(fraction_of_pixels_near(*screen, vga_blue, 8) < 0.01);
        // The launcher button (0x2f6fd6) in the task bar's left corner.
        QVERIFY(fraction_of_pixels_near(*screen, QColor(0x2f, 0x6f, 0xd6), 16, QRect(8, 740, 10, 20)) > 0.5);
        qInfo("desktop visible %lld ms after QEMU started (fresh world, TCG)", session.boot_milliseconds());
    }

    void power_cut()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        QString const line = QStringLiteral("Typed in QEMU before the power cut, 42.");
        DesktopWindow before;
        QImage screen_before;
        {
            DesktopSession session(image);
            SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
            // The launcher menu, then its first entry: Notepad.
            SESSION_VERIFY(session, session.click_at(session.launcher()));
            SESSION_VERIFY(session, session.settle());
            SESSION_VERIFY(session, session.click_at(session.menu_item(0)));
            SESSION_VERIFY(session,
                session.wait_for_show(
                    QStringLiteral("Notepad"), QRegularExpression(QStringLiteral("^Notepad: Welcome"))));
            SESSION_VERIFY(session, session.type_into(QStringLiteral("Notepad"), line));
            SESSION_VERIFY(session,
                session.wait_for_show(QStringLiteral("Notepad"),
                    QRegularExpression(
                        QStringLiteral("^Notepad: .*%1").arg(QRegularExpression::escape(line)))));
            // The pointer where a fresh compositor puts it (the screen's centre), then a commit.
            SESSION_VERIFY(session, session.machine().move_mouse_to({512, 384}));
            SESSION_VERIFY(session, session.settle());
            auto notepad = session.window(QStringLiteral("Notepad"));
            SESSION_VERIFY(session, notepad);
            before = *notepad;
            SESSION_VERIFY(session,
                session.ask(QStringLiteral("snapshot"), QStringLiteral("desktop: snapshot committed")));
            SESSION_VERIFY(session, session.settle());
            auto screen = session.machine().screendump();
            SESSION_VERIFY(session, screen);
            screen_before = *screen;
            session.machine().power_cut();
            QVERIFY(!session.machine().is_running());
        }
        DesktopSession session(image);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Resumed));
        auto text = session.wait_for_show(QStringLiteral("Notepad"),
            QRegularExpression(QStringLiteral("^Notepad: .*%1").arg(QRegularExpression::escape(line))), 10s);
        SESSION_VERIFY(session, text);
        auto after = session.window(QStringLiteral("Notepad"));
        SESSION_VERIFY(session, after);
        QCOMPARE(after->position, before.position);
        QCOMPARE(after->content, before.content);
        SESSION_VERIFY(session, session.settle());
        auto screen = session.machine().screendump();
        SESSION_VERIFY(session, screen);
        // Notepad is on the screen after the boot (its white text area fills most of the
        // content), not only equal to an earlier screen.
        QRect content(
            before.position + QPoint(desktop_border, desktop_border + desktop_title_height), before.content);
        double white = fraction_of_pixels_near(*screen, QColor(0xff, 0xff, 0xff), 8, content);
        QVERIFY2(
            white > 0.4, qPrintable(QStringLiteral("Notepad's content is white on %1 of it").arg(white)));
        // The window's pixels came back from the heap: the same picture. The status line
        // and the text cursor may differ by a few pixels at most.
        QRect frame = before.frame();
        auto differing = count_differing_pixels(screen_before, *screen, 8, frame);
        QVERIFY(differing.has_value());
        qsizetype area = qsizetype(frame.width()) * frame.height();
        QVERIFY2(*differing * 100 < area,
            qPrintable(QStringLiteral("%1 of %2 pixels of Notepad's window differ after the power cut")
                           .arg(*differing)
                           .arg(area)));
        // And so did everything above the task bar.
        auto whole = count_differing_pixels(screen_before, *screen, 8, above_taskbar);
        QVERIFY(
            whole.has_value() && *whole * 100 < qsizetype(above_taskbar.width()) * above_taskbar.height());
        if (QString keep = qEnvironmentVariable("PHANTOM_TEST_SCREENSHOTS"); !keep.isEmpty()) {
            screen_before.save(keep + QStringLiteral("/desktop-qemu-before-cut.png"));
            screen->save(keep + QStringLiteral("/desktop-qemu-resumed.png"));
        }
        qInfo("desktop visible again %lld ms after QEMU started (resumed world, TCG)",
            session.boot_milliseconds());
    }

    void drag()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        SESSION_VERIFY(
            session, session.ask(QStringLiteral("open Notepad"), QStringLiteral("desktop: opened Notepad")));
        SESSION_VERIFY(session, session.machine().move_mouse_to({900, 100}));
        SESSION_VERIFY(session, session.settle());
        auto before = session.window(QStringLiteral("Notepad"));
        SESSION_VERIFY(session, before);
        auto screen_before = session.machine().screendump();
        SESSION_VERIFY(session, screen_before);
        QPoint const offset(220, 130);
        QPoint grip = before->position + QPoint(80, desktop_border + desktop_title_height / 2);
        SESSION_VERIFY(session, session.drag(grip, grip + offset));
        SESSION_VERIFY(session, session.machine().move_mouse_to({900, 100}));
        auto moved = session.wait_for_windows([&](QList<DesktopWindow> const& listing) {
            for (auto const& window : listing) {
                if (window.title == QStringLiteral("Notepad") && window.position == before->position + offset)
                    return true;
            }
            return false;
        });
        SESSION_VERIFY(session, moved);
        SESSION_VERIFY(session, session.settle());
        auto screen_after = session.machine().screendump();
        SESSION_VERIFY(session, screen_after);
        // The window's picture is now at the new place.
        QRect old_frame = before->frame();
        QImage old_pixels = screen_before->copy(old_frame);
        QImage new_pixels = screen_after->copy(old_frame.translated(offset));
        auto differing = count_differing_pixels(old_pixels, new_pixels, 8);
        QVERIFY(differing.has_value());
        qsizetype area = qsizetype(old_frame.width()) * old_frame.height();
        QVERIFY2(*differing * 50 < area,
            qPrintable(QStringLiteral("%1 of %2 pixels differ from the window before the drag")
                           .arg(*differing)
                           .arg(area)));
        // Where its top left part was, the wallpaper shows again.
        QRect uncovered(old_frame.topLeft(), QSize(offset.x(), offset.y()));
        auto same = count_differing_pixels(*screen_before, *screen_after, 8, uncovered);
        QVERIFY(same.has_value() && *same * 2 > qsizetype(uncovered.width()) * uncovered.height());
    }

    void calculator()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        SESSION_VERIFY(session, session.click_at(session.launcher()));
        SESSION_VERIFY(session, session.settle());
        SESSION_VERIFY(session, session.click_at(session.menu_item(1)));
        SESSION_VERIFY(session, session.wait_for_windows([](QList<DesktopWindow> const& listing) {
            for (auto const& window : listing) {
                if (window.title == QStringLiteral("Calculator") && window.focused)
                    return true;
            }
            return false;
        }));
        SESSION_VERIFY(session, session.machine().type_text(QStringLiteral("12*")));
        SESSION_VERIFY(session,
            session.wait_for_show(
                QStringLiteral("Calculator"), QRegularExpression(QStringLiteral("^Calculator: 12$"))));
        SESSION_VERIFY(session, session.machine().type_text(QStringLiteral("12=")));
        SESSION_VERIFY(session,
            session.wait_for_show(
                QStringLiteral("Calculator"), QRegularExpression(QStringLiteral("^Calculator: 144$"))));
    }

    void alt_tab()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        SESSION_VERIFY(
            session, session.ask(QStringLiteral("open Notepad"), QStringLiteral("desktop: opened Notepad")));
        SESSION_VERIFY(session,
            session.ask(QStringLiteral("open Calculator"), QStringLiteral("desktop: opened Calculator")));
        auto focused_is = [](QString const& title) {
            return [title](QList<DesktopWindow> const& listing) {
                for (auto const& window : listing) {
                    if (window.focused)
                        return window.title == title;
                }
                return false;
            };
        };
        SESSION_VERIFY(session, session.wait_for_windows(focused_is(QStringLiteral("Calculator"))));
        SESSION_VERIFY(session, session.machine().send_key(QStringLiteral("alt-tab")));
        SESSION_VERIFY(session, session.wait_for_windows(focused_is(QStringLiteral("Notepad"))));
        // And back: the two most recent windows swap.
        SESSION_VERIFY(session, session.machine().send_key(QStringLiteral("alt-tab")));
        SESSION_VERIFY(session, session.wait_for_windows(focused_is(QStringLiteral("Calculator"))));
    }

    // The system world on a machine with a screen: the object shell on COM1, the desktop on
    // the screen, and the object shell again as a desktop window (the same ObjectShell class).
    void system_world()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image, QStringLiteral("system"));
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        SESSION_VERIFY(session, session.ask(QStringLiteral("6 * 7"), QStringLiteral("^(phantom> )*42$")));
        SESSION_VERIFY(session,
            session.ask(QStringLiteral("Desktop.hasScreen()"), QStringLiteral("^(phantom> )*true$")));
        // The desktop runs beside the shell: its loop counts frames.
        SESSION_VERIFY(session,
            wait_for_answer(session, QStringLiteral("Session.shell.frames > 2"), QStringLiteral("true")));
        // The object shell window, from the launcher menu (its eighth entry).
        SESSION_VERIFY(session, session.click_at(session.launcher()));
        SESSION_VERIFY(session,
            wait_for_answer(session, QStringLiteral("Session.shell.menu != nil"), QStringLiteral("true")));
        SESSION_VERIFY(session, session.click_at(session.menu_item(7)));
        QString const summary = QStringLiteral("Session.shell.findApp(\"Object shell\").summary()");
        SESSION_VERIFY(session,
            wait_for_answer(session, summary,
                QStringLiteral(R"("phantom object shell \(generation \d+\), type help \[\]")")));
        // Typed at a person's pace (see DesktopSession::type_into), then Enter.
        for (QString const& part : {QStringLiteral("var"), QStringLiteral(" an"), QStringLiteral("swe"),
                 QStringLiteral("r ="), QStringLiteral(" 6 "), QStringLiteral("* 7")}) {
            SESSION_VERIFY(session, session.machine().type_text(part));
            SESSION_VERIFY(session,
                wait_for_answer(session, summary,
                    QStringLiteral(R"(".*\[.*%1\]")").arg(QRegularExpression::escape(part))));
        }
        SESSION_VERIFY(session, session.machine().send_key(QStringLiteral("ret")));
        SESSION_VERIFY(session,
            wait_for_answer(session, summary, QStringLiteral(R"("phantom> var answer = 6 \* 7 \[\]")")));
        // The window's shell evaluated it in the world: the console's shell sees the variable.
        SESSION_VERIFY(
            session, session.ask(QStringLiteral("answer + 1"), QStringLiteral("^(phantom> )*43$")));
        auto screen = session.machine().screendump();
        SESSION_VERIFY(session, screen);
        QVERIFY(fraction_of_pixels_near(*screen, QColor(0x2f, 0x6f, 0xd6), 16, QRect(8, 740, 10, 20)) > 0.5);
        if (QString keep = qEnvironmentVariable("PHANTOM_TEST_SCREENSHOTS"); !keep.isEmpty())
            screen->save(keep + QStringLiteral("/desktop-qemu-system.png"));
    }

    // The system world without a screen (-vga none): the object shell alone, on COM1.
    void system_headless()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image, QStringLiteral("system"), DesktopSession::Display::Headless);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        SESSION_VERIFY(session,
            session.ask(QStringLiteral("Desktop.hasScreen()"), QStringLiteral("^(phantom> )*false$")));
        SESSION_VERIFY(session,
            session.ask(QStringLiteral("World.threads().length()"), QStringLiteral("^(phantom> )*1$")));
        SESSION_VERIFY(session,
            session.ask(QStringLiteral("Session.shell == nil"), QStringLiteral("^(phantom> )*true$")));
    }

    void showcase()
    {
        QTemporaryDir directory;
        QString image = fresh_disk(directory);
        QVERIFY(!image.isEmpty());
        DesktopSession session(image);
        SESSION_VERIFY(session, session.boot(DesktopSession::Expect::Fresh));
        QStringList const order {QStringLiteral("Threads"), QStringLiteral("Paint"), QStringLiteral("Clock"),
            QStringLiteral("Calculator"), QStringLiteral("Notepad")};
        for (auto const& name : order)
            SESSION_VERIFY(session,
                session.ask(QStringLiteral("open ") + name, QStringLiteral("desktop: opened ") + name));
        SESSION_VERIFY(session,
            session.type_into(
                QStringLiteral("Notepad"), QStringLiteral("Phantom in QEMU: every window is an object.\n")));
        // A drawing in Paint: a zig-zag across its canvas (below its tool row).
        auto paint = session.window(QStringLiteral("Paint"));
        SESSION_VERIFY(session, paint);
        QPoint canvas = paint->position
            + QPoint(desktop_border + 8 + 30, desktop_border + desktop_title_height + 8 + 60);
        SESSION_VERIFY(session, session.drag(canvas, canvas + QPoint(90, 120)));
        SESSION_VERIFY(session, session.drag(canvas + QPoint(90, 120), canvas + QPoint(180, 10)));
        SESSION_VERIFY(session, session.drag(canvas + QPoint(180, 10), canvas + QPoint(300, 130)));
        // The strokes are drawn before the next window opens (a press still queued would
        // focus Paint again).
        SESSION_VERIFY(session, session.settle());
        // The object shell window, with an answer.
        SESSION_VERIFY(session,
            session.ask(QStringLiteral("open Object shell"), QStringLiteral("desktop: opened Object shell")));
        QString const expression = QStringLiteral("[1, 2, 3, 4].map(fun(x) => x * x)");
        SESSION_VERIFY(session, session.type_into(QStringLiteral("Object shell"), expression));
        SESSION_VERIFY(session, session.machine().send_key(QStringLiteral("ret")));
        SESSION_VERIFY(session,
            session.wait_for_show(QStringLiteral("Object shell"),
                QRegularExpression(QStringLiteral(R"(\[1, 4, 9, 16\] \[\]$)"))));
        SESSION_VERIFY(session, session.machine().move_mouse_to({700, 640}));
        auto listing = session.wait_for_windows(
            [&](QList<DesktopWindow> const& windows) { return windows.size() == order.size() + 1; });
        SESSION_VERIFY(session, listing);
        SESSION_VERIFY(session,
            session.wait_for_show(QStringLiteral("Notepad"),
                QRegularExpression(QStringLiteral("^Notepad: .*Phantom in QEMU"))));
        SESSION_VERIFY(session, session.settle());
        auto screen = session.machine().screendump();
        SESSION_VERIFY(session, screen);
        // Every window's title bar is on the screen: no two frames look like the wallpaper.
        for (auto const& window : *listing) {
            QRect frame = window.frame().intersected(above_taskbar);
            double wallpaper = fraction_of_pixels_near(*screen, QColor(0x16, 0x21, 0x3e), 6, frame);
            QVERIFY2(wallpaper < 0.5, qPrintable(window.title));
        }
        if (QString path = qEnvironmentVariable("PHANTOM_DESKTOP_SCREENSHOT"); !path.isEmpty())
            QVERIFY2(screen->save(path), qPrintable(path));
    }
};

QTEST_GUILESS_MAIN(DesktopQemuTest)
#include "DesktopQemuTest.moc"
