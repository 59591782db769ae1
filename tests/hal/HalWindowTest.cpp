/*
 * hal.window: the hosted screen in a Qt window (kernel/hosted/HostedWindow), on Qt's
 * offscreen platform: what is drawn and presented is what the window paints; keys, pointer,
 * buttons and the wheel arrive as kernel/hal/Input.h events in screen pixels; closing the
 * window requests an orderly shutdown instead of ending the process.
 */
#include <kernel/hal/Power.h>
#include <kernel/hosted/HostedScreen.h>
#include <kernel/hosted/HostedWindow.h>

#include <QGuiApplication>
#include <QScreen>
#include <QtTest>

#include <thread>
#include <vector>

namespace {

std::vector<Hal::InputEvent> take_events()
{
    std::vector<Hal::InputEvent> events;
    for (auto event = Hal::next_input_event(); event.has_value(); event = Hal::next_input_event())
        events.push_back(*event);
    return events;
}

} // namespace

class HalWindowTest : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(Hal::framebuffer().has_value()); }

    void presentedPixelsArePainted()
    {
        auto framebuffer = *Hal::framebuffer();
        Hosted::HostedWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Drawn on another thread, as the OS does, then presented.
        std::thread drawer([&] {
            for (u32 y = 0; y < framebuffer.height; ++y) {
                for (u32 x = 0; x < framebuffer.width; ++x)
                    framebuffer.at(x, y)
                        = x < framebuffer.width / 2 ? Hal::rgb(200, 30, 40) : Hal::rgb(10, 90, 220);
            }
            Hal::Rect all {0, 0, i32(framebuffer.width), i32(framebuffer.height)};
            Hal::present(Span<Hal::Rect const>(&all, 1));
        });
        drawer.join();
        int before = window.paint_count();
        QTRY_VERIFY_WITH_TIMEOUT(window.paint_count() > before, 10000);
        QImage frame = window.frame();
        QCOMPARE(frame.size(), QSize(int(framebuffer.width), int(framebuffer.height)));
        QCOMPARE(QColor(frame.pixel(10, 10)), QColor(200, 30, 40));
        QCOMPARE(QColor(frame.pixel(int(framebuffer.width) - 10, 10)), QColor(10, 90, 220));
        // What the window shows on the (offscreen) screen.
        QImage shown = window.screen()->grabWindow(window.winId()).toImage();
        if (!shown.isNull() && shown.size() == frame.size()) {
            QCOMPARE(QColor(shown.pixel(10, 10)), QColor(200, 30, 40));
            QCOMPARE(QColor(shown.pixel(shown.width() - 10, shown.height() - 10)), QColor(10, 90, 220));
        }
    }

    void keysBecomeInputEvents()
    {
        Hosted::reset_input();
        Hosted::HostedWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::keyClick(&window, Qt::Key_A);
        QTest::keyClick(&window, Qt::Key_A, Qt::ShiftModifier);
        QTest::keyClick(&window, Qt::Key_Exclam, Qt::ShiftModifier);
        QTest::keyClick(&window, Qt::Key_Return);
        auto events = take_events();
        std::vector<u32> typed;
        for (auto const& event : events) {
            QCOMPARE(event.type, Hal::InputEventType::Key);
            if (event.key_state == Hal::KeyState::Pressed && event.character != 0)
                typed.push_back(event.character);
        }
        QCOMPARE(typed, (std::vector<u32> {'a', 'A', '!', '\n'}));
        QCOMPARE(Hosted::HostedWindow::key_for(Qt::Key_Exclam, 0), Hal::KeyCode::Digit1);
        QCOMPARE(Hosted::HostedWindow::key_for(Qt::Key_F5, 0), Hal::KeyCode::F5);
        QCOMPARE(Hosted::HostedWindow::key_for(Qt::Key_Shift, 62), Hal::KeyCode::RightShift);
        QCOMPARE(Hosted::HostedWindow::key_for(Qt::Key_unknown, 0), Hal::KeyCode::Unknown);
    }

    void pointerIsInScreenPixels()
    {
        Hosted::reset_input();
        auto framebuffer = *Hal::framebuffer();
        Hosted::HostedWindow window;
        // Half the size: positions are scaled back to screen pixels.
        window.resize(int(framebuffer.width) / 2, int(framebuffer.height) / 2);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::mouseClick(&window, Qt::LeftButton, Qt::NoModifier, QPoint(100, 50));
        QTest::mouseClick(&window, Qt::RightButton, Qt::NoModifier, QPoint(10, 20));
        auto events = take_events();
        bool saw_position = false;
        int left_presses = 0;
        int right_releases = 0;
        for (auto const& event : events) {
            if (event.type == Hal::InputEventType::PointerAbsolute && event.x == 200 && event.y == 100)
                saw_position = true;
            if (event.type == Hal::InputEventType::Button && event.button == Hal::PointerButton::Left
                && event.key_state == Hal::KeyState::Pressed)
                ++left_presses;
            if (event.type == Hal::InputEventType::Button && event.button == Hal::PointerButton::Right
                && event.key_state == Hal::KeyState::Released)
                ++right_releases;
        }
        QVERIFY(saw_position);
        QCOMPARE(left_presses, 1);
        QCOMPARE(right_releases, 1);

        QWheelEvent wheel(QPointF(5, 5), window.mapToGlobal(QPointF(5, 5)), QPoint(), QPoint(0, 240),
            Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(&window, &wheel);
        events = take_events();
        QCOMPARE(events.size(), size_t(1));
        QCOMPARE(events[0].type, Hal::InputEventType::Wheel);
        QCOMPARE(events[0].y, 2);
    }

    void closingRequestsShutdown()
    {
        Hosted::HostedWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!Hal::is_shutdown_requested());
        window.close();
        QVERIFY(Hal::is_shutdown_requested());
        QVERIFY(Hal::wait_for_shutdown_request(0));
        // The OS saves the world before the window goes: it is still there.
        QVERIFY(window.isVisible());
    }
};

QTEST_MAIN(HalWindowTest)
#include "HalWindowTest.moc"
