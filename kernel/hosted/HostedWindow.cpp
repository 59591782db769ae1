/*
 * kernel/hosted/HostedWindow.cpp: see HostedWindow.h. Present listeners run on the OS's
 * drawing thread, so they only post an update to the window's (GUI) thread.
 */
#include <kernel/hal/Power.h>
#include <kernel/hosted/HostedScreen.h>
#include <kernel/hosted/HostedWindow.h>

#include <QCloseEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

namespace Hosted {

namespace {

    struct KeyMapping {
        int qt_key;
        Hal::KeyCode code;
    };

    // Keys whose Qt code names the same physical key on a US layout. Shifted symbols map to
    // the key that types them (Qt reports '!' for Shift+1).
    constexpr KeyMapping key_mappings[] = {
        {Qt::Key_Return, Hal::KeyCode::Enter},
        {Qt::Key_Enter, Hal::KeyCode::KeypadEnter},
        {Qt::Key_Escape, Hal::KeyCode::Escape},
        {Qt::Key_Backspace, Hal::KeyCode::Backspace},
        {Qt::Key_Tab, Hal::KeyCode::Tab},
        {Qt::Key_Backtab, Hal::KeyCode::Tab},
        {Qt::Key_Space, Hal::KeyCode::Space},
        {Qt::Key_Minus, Hal::KeyCode::Minus},
        {Qt::Key_Underscore, Hal::KeyCode::Minus},
        {Qt::Key_Equal, Hal::KeyCode::Equal},
        {Qt::Key_Plus, Hal::KeyCode::Equal},
        {Qt::Key_BracketLeft, Hal::KeyCode::LeftBracket},
        {Qt::Key_BraceLeft, Hal::KeyCode::LeftBracket},
        {Qt::Key_BracketRight, Hal::KeyCode::RightBracket},
        {Qt::Key_BraceRight, Hal::KeyCode::RightBracket},
        {Qt::Key_Backslash, Hal::KeyCode::Backslash},
        {Qt::Key_Bar, Hal::KeyCode::Backslash},
        {Qt::Key_Semicolon, Hal::KeyCode::Semicolon},
        {Qt::Key_Colon, Hal::KeyCode::Semicolon},
        {Qt::Key_Apostrophe, Hal::KeyCode::Apostrophe},
        {Qt::Key_QuoteDbl, Hal::KeyCode::Apostrophe},
        {Qt::Key_QuoteLeft, Hal::KeyCode::Grave},
        {Qt::Key_AsciiTilde, Hal::KeyCode::Grave},
        {Qt::Key_Comma, Hal::KeyCode::Comma},
        {Qt::Key_Less, Hal::KeyCode::Comma},
        {Qt::Key_Period, Hal::KeyCode::Period},
        {Qt::Key_Greater, Hal::KeyCode::Period},
        {Qt::Key_Slash, Hal::KeyCode::Slash},
        {Qt::Key_Question, Hal::KeyCode::Slash},
        {Qt::Key_Exclam, Hal::KeyCode::Digit1},
        {Qt::Key_At, Hal::KeyCode::Digit2},
        {Qt::Key_NumberSign, Hal::KeyCode::Digit3},
        {Qt::Key_Dollar, Hal::KeyCode::Digit4},
        {Qt::Key_Percent, Hal::KeyCode::Digit5},
        {Qt::Key_AsciiCircum, Hal::KeyCode::Digit6},
        {Qt::Key_Ampersand, Hal::KeyCode::Digit7},
        {Qt::Key_Asterisk, Hal::KeyCode::Digit8},
        {Qt::Key_ParenLeft, Hal::KeyCode::Digit9},
        {Qt::Key_ParenRight, Hal::KeyCode::Digit0},
        {Qt::Key_CapsLock, Hal::KeyCode::CapsLock},
        {Qt::Key_Print, Hal::KeyCode::PrintScreen},
        {Qt::Key_ScrollLock, Hal::KeyCode::ScrollLock},
        {Qt::Key_Pause, Hal::KeyCode::Pause},
        {Qt::Key_Insert, Hal::KeyCode::Insert},
        {Qt::Key_Home, Hal::KeyCode::Home},
        {Qt::Key_PageUp, Hal::KeyCode::PageUp},
        {Qt::Key_Delete, Hal::KeyCode::Delete},
        {Qt::Key_End, Hal::KeyCode::End},
        {Qt::Key_PageDown, Hal::KeyCode::PageDown},
        {Qt::Key_Right, Hal::KeyCode::Right},
        {Qt::Key_Left, Hal::KeyCode::Left},
        {Qt::Key_Down, Hal::KeyCode::Down},
        {Qt::Key_Up, Hal::KeyCode::Up},
        {Qt::Key_NumLock, Hal::KeyCode::NumLock},
        {Qt::Key_Shift, Hal::KeyCode::LeftShift},
        {Qt::Key_Control, Hal::KeyCode::LeftControl},
        {Qt::Key_Alt, Hal::KeyCode::LeftAlt},
        {Qt::Key_AltGr, Hal::KeyCode::RightAlt},
        {Qt::Key_Meta, Hal::KeyCode::LeftSuper},
        {Qt::Key_Super_L, Hal::KeyCode::LeftSuper},
        {Qt::Key_Super_R, Hal::KeyCode::RightSuper},
        {Qt::Key_Menu, Hal::KeyCode::Menu},
    };

    // X11/evdev scan codes (evdev + 8) of the keys Qt reports alike on both sides.
    constexpr quint32 x11_right_shift = 62;
    constexpr quint32 x11_right_control = 105;

} // namespace

HostedWindow::HostedWindow()
{
    if (auto framebuffer = Hal::framebuffer(); framebuffer.has_value())
        m_framebuffer = *framebuffer;
    setTitle(QStringLiteral("Phantom"));
    // The OS draws its own pointer.
    setCursor(Qt::BlankCursor);
    resize(static_cast<int>(m_framebuffer.width), static_cast<int>(m_framebuffer.height));
    set_present_listener(on_present, this);
}

HostedWindow::~HostedWindow() { set_present_listener(nullptr, nullptr); }

void HostedWindow::on_present(void* context, Span<Hal::Rect const> damaged)
{
    auto* window = static_cast<HostedWindow*>(context);
    QRegion region;
    for (auto const& rect : damaged)
        region += QRect(rect.x, rect.y, rect.width, rect.height);
    QMetaObject::invokeMethod(
        window,
        [window, region] {
            // Damage is in screen pixels; the window may be scaled.
            if (window->size() == QSize(int(window->m_framebuffer.width), int(window->m_framebuffer.height)))
                window->update(region);
            else
                window->update();
        },
        Qt::QueuedConnection);
}

QImage HostedWindow::frame() const
{
    if (!m_framebuffer.pixels)
        return {};
    QImage view(reinterpret_cast<uchar const*>(m_framebuffer.pixels), int(m_framebuffer.width),
        int(m_framebuffer.height), qsizetype(m_framebuffer.stride) * 4, QImage::Format_RGB32);
    return view.copy();
}

void HostedWindow::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    if (!m_framebuffer.pixels) {
        painter.fillRect(QRect(QPoint(), size()), Qt::black);
        return;
    }
    // Pixels are 0x00RRGGBB; RGB32 ignores the top byte.
    QImage view(reinterpret_cast<uchar const*>(m_framebuffer.pixels), int(m_framebuffer.width),
        int(m_framebuffer.height), qsizetype(m_framebuffer.stride) * 4, QImage::Format_RGB32);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(QRect(QPoint(), size()), view);
    ++m_paint_count;
}

Hal::KeyCode HostedWindow::key_for(int qt_key, quint32 native_scan_code)
{
    if (qt_key >= Qt::Key_A && qt_key <= Qt::Key_Z)
        return static_cast<Hal::KeyCode>(static_cast<int>(Hal::KeyCode::A) + (qt_key - Qt::Key_A));
    if (qt_key >= Qt::Key_1 && qt_key <= Qt::Key_9)
        return static_cast<Hal::KeyCode>(static_cast<int>(Hal::KeyCode::Digit1) + (qt_key - Qt::Key_1));
    if (qt_key == Qt::Key_0)
        return Hal::KeyCode::Digit0;
    if (qt_key >= Qt::Key_F1 && qt_key <= Qt::Key_F12)
        return static_cast<Hal::KeyCode>(static_cast<int>(Hal::KeyCode::F1) + (qt_key - Qt::Key_F1));
    if (qt_key == Qt::Key_Shift && native_scan_code == x11_right_shift)
        return Hal::KeyCode::RightShift;
    if (qt_key == Qt::Key_Control && native_scan_code == x11_right_control)
        return Hal::KeyCode::RightControl;
    for (auto const& mapping : key_mappings) {
        if (mapping.qt_key == qt_key)
            return mapping.code;
    }
    return Hal::KeyCode::Unknown;
}

void HostedWindow::keyPressEvent(QKeyEvent* event)
{
    auto code = key_for(event->key(), event->nativeScanCode());
    if (code == Hal::KeyCode::Unknown)
        return QRasterWindow::keyPressEvent(event);
    // Auto-repeat arrives as further presses, as from a PS/2 keyboard.
    feed_key(code, Hal::KeyState::Pressed);
}

void HostedWindow::keyReleaseEvent(QKeyEvent* event)
{
    if (event->isAutoRepeat())
        return;
    auto code = key_for(event->key(), event->nativeScanCode());
    if (code == Hal::KeyCode::Unknown)
        return QRasterWindow::keyReleaseEvent(event);
    feed_key(code, Hal::KeyState::Released);
}

QPoint HostedWindow::to_screen(QPointF window_position) const
{
    double scale_x = width() > 0 ? double(m_framebuffer.width) / width() : 1.0;
    double scale_y = height() > 0 ? double(m_framebuffer.height) / height() : 1.0;
    int x = qBound(0, int(window_position.x() * scale_x), int(m_framebuffer.width) - 1);
    int y = qBound(0, int(window_position.y() * scale_y), int(m_framebuffer.height) - 1);
    return {x, y};
}

void HostedWindow::feed_pointer(QPointF window_position)
{
    auto position = to_screen(window_position);
    Hal::InputEvent event;
    event.type = Hal::InputEventType::PointerAbsolute;
    event.x = position.x();
    event.y = position.y();
    feed_input_event(event);
}

void HostedWindow::feed_button(Qt::MouseButton qt_button, Hal::KeyState state)
{
    Hal::InputEvent event;
    event.type = Hal::InputEventType::Button;
    event.key_state = state;
    switch (qt_button) {
    case Qt::LeftButton:
        event.button = Hal::PointerButton::Left;
        break;
    case Qt::RightButton:
        event.button = Hal::PointerButton::Right;
        break;
    case Qt::MiddleButton:
        event.button = Hal::PointerButton::Middle;
        break;
    case Qt::BackButton:
        event.button = Hal::PointerButton::Side;
        break;
    case Qt::ForwardButton:
        event.button = Hal::PointerButton::Extra;
        break;
    default:
        return;
    }
    feed_input_event(event);
}

void HostedWindow::mouseMoveEvent(QMouseEvent* event) { feed_pointer(event->position()); }

void HostedWindow::mousePressEvent(QMouseEvent* event)
{
    feed_pointer(event->position());
    feed_button(event->button(), Hal::KeyState::Pressed);
}

void HostedWindow::mouseReleaseEvent(QMouseEvent* event)
{
    feed_pointer(event->position());
    feed_button(event->button(), Hal::KeyState::Released);
}

void HostedWindow::wheelEvent(QWheelEvent* event)
{
    // Qt counts eighths of a degree; a notch is 15 degrees (120). Touchpads send fractions,
    // kept until they add up to a notch.
    m_wheel_remainder_x += event->angleDelta().x();
    m_wheel_remainder_y += event->angleDelta().y();
    Hal::InputEvent wheel;
    wheel.type = Hal::InputEventType::Wheel;
    wheel.x = m_wheel_remainder_x / 120;
    wheel.y = m_wheel_remainder_y / 120;
    m_wheel_remainder_x %= 120;
    m_wheel_remainder_y %= 120;
    if (wheel.x != 0 || wheel.y != 0)
        feed_input_event(wheel);
}

void HostedWindow::closeEvent(QCloseEvent* event)
{
    // The OS decides when to go: it saves the world, then ends the process.
    Hal::request_shutdown();
    event->ignore();
}

} // namespace Hosted
