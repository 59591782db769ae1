/*
 * kernel/hosted/HostedWindow.h: the hosted port's screen in a Qt window. It shows the
 * framebuffer of kernel/hal/Screen.h, repaints what Hal::present() names, and turns the
 * window's keys, pointer, buttons and wheel into kernel/hal/Input.h events. Closing the
 * window requests an orderly shutdown (kernel/hal/Power.h), as the power button does on pc.
 *
 *     QGuiApplication application(argc, argv);   // on the main thread
 *     Hosted::HostedWindow window;               // after the first Hal::framebuffer()
 *     window.show();
 *     application.exec();                        // the OS runs on other threads
 *
 * The window may be resized; the picture is scaled and pointer positions are scaled back
 * to screen pixels.
 */
#pragma once

#include <kernel/hal/Input.h>
#include <kernel/hal/Screen.h>

#include <QImage>
#include <QRasterWindow>

#include <atomic>

namespace Hosted {

class HostedWindow final : public QRasterWindow {
    Q_OBJECT

public:
    HostedWindow();
    ~HostedWindow() override;

    // The framebuffer as an image (a copy), as the window paints it.
    QImage frame() const;
    // How many times the window painted (tests wait for a repaint).
    int paint_count() const { return m_paint_count.load(); }

    // The physical key a Qt key event stands for, on a US layout; Unknown when none.
    static Hal::KeyCode key_for(int qt_key, quint32 native_scan_code);

protected:
    void paintEvent(QPaintEvent*) override;
    void keyPressEvent(QKeyEvent*) override;
    void keyReleaseEvent(QKeyEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void closeEvent(QCloseEvent*) override;

private:
    static void on_present(void* context, Span<Hal::Rect const> damaged);
    QPoint to_screen(QPointF window_position) const;
    void feed_pointer(QPointF window_position);
    void feed_button(Qt::MouseButton, Hal::KeyState);

    Hal::Framebuffer m_framebuffer {};
    std::atomic<int> m_paint_count {0};
    int m_wheel_remainder_x {0};
    int m_wheel_remainder_y {0};
};

} // namespace Hosted
