/*
 * windowing/CompositorPaint.cpp: how the compositor draws a frame — the wallpaper gradient,
 * then every visible window bottom to top (soft shadow, border, title bar with its text
 * and buttons, content), then the pointer — clipped to one damaged rect at a time.
 *
 * Every pixel's value depends only on where it is and on the window records, never on the
 * clip, so repainting a damaged rect gives exactly what a full repaint would there (the
 * compositor tests check this pixel for pixel).
 */
#include <windowing/Compositor.h>
#include <windowing/Font.h>
#include <windowing/Painter.h>

namespace Windowing {

namespace {

    // The arrow pointer: 'X' outline, 'o' fill, anything else transparent.
    constexpr char const* cursor_shape[Compositor::cursor_height] = {
        "X           ",
        "XX          ",
        "XoX         ",
        "XooX        ",
        "XoooX       ",
        "XooooX      ",
        "XoooooX     ",
        "XooooooX    ",
        "XoooooooX   ",
        "XooooooooX  ",
        "XoooooooooX ",
        "XooooooXXXXX",
        "XoooXooX    ",
        "XooX XooX   ",
        "XoX  XooX   ",
        "XX    XooX  ",
        "X     XooX  ",
        "       XooX ",
        "        XX  ",
    };

    // Opaque windows hide what is below them; a rect entirely inside one needs nothing below it.
    bool covers(WindowRecord const& window, Rect area)
    {
        Rect frame = window.frame;
        // A background window is opaque; panels may be shaped (rounded menus), so never trusted.
        if (window.layer == WindowLayer::Background || window.state == WindowState::Maximized)
            return frame.contains(area);
        if (window.layer == WindowLayer::Panel)
            return false;
        // The rounded top corners let the wallpaper through: only trust below them.
        Rect solid {frame.x, frame.y + FrameMetrics::corner_radius, frame.width,
            frame.height - FrameMetrics::corner_radius};
        return solid.contains(area);
    }

} // namespace

bool Compositor::compose()
{
    if (m_damage.is_empty())
        return false;
    Region damage = m_damage;
    m_damage.clear();
    for (Rect const& rect : damage.rects())
        paint(rect);
    if (m_present != nullptr)
        m_present(m_present_context, damage.rects());
    return true;
}

void Compositor::compose_everything()
{
    m_damage.clear();
    add_damage(screen_rect());
    (void)compose();
}

void Compositor::paint(Rect rect)
{
    Painter painter(m_screen);
    painter.add_clip_rect(rect);

    // Start from the topmost window that hides the whole rect; nothing below it shows.
    int first = 0;
    bool wallpaper = true;
    for (int i = m_stack_count - 1; i >= 0; --i) {
        WindowRecord const* window = m_store.find(m_stack[i]);
        if (window->is_visible() && covers(*window, rect)) {
            first = i;
            wallpaper = false;
            break;
        }
    }
    if (wallpaper) {
        painter.fill_rect_with_gradient(
            screen_rect(), m_theme.wallpaper_top, m_theme.wallpaper_bottom, Orientation::Vertical);
    }
    for (int i = first; i < m_stack_count; ++i) {
        WindowRecord const* window = m_store.find(m_stack[i]);
        if (window->is_visible() && window->visual_rect().intersects(rect))
            paint_window(painter, *window);
    }
    if (cursor_rect().intersects(rect))
        paint_cursor(painter);
}

void Compositor::paint_window(Painter& painter, WindowRecord const& window)
{
    if (!window.is_decorated()) {
        paint_content(painter, window);
        return;
    }
    Rect frame = window.frame;
    bool focused = m_store.focused == window.id;
    bool rounded = window.state != WindowState::Maximized;
    int radius = rounded ? FrameMetrics::corner_radius : 0;
    Rect clip = painter.clip_rect();

    // The shadow only shows outside the frame (below its rounded corners too).
    Rect shadow_covered {frame.x, frame.y + radius, frame.width, frame.height - radius};
    painter.draw_shadow(frame.translated(0, FrameMetrics::shadow_offset), FrameMetrics::shadow_radius,
        m_theme.shadow, shadow_covered);

    Color border = focused ? m_theme.border_focused : m_theme.border;
    Rect content = window.content_rect();
    // The border: the content covers the rest of this fill, so only paint it when the clip
    // reaches past the content.
    if (!content.contains(clip.intersected(frame))) {
        if (rounded)
            painter.fill_rounded_rect(frame, radius, border, Corners::Top);
        else
            painter.fill_rect(frame, border);
        Rect title = FrameMetrics::title_bar_rect(frame);
        Color top = focused ? m_theme.title_focused_top : m_theme.title_top;
        Color bottom = focused ? m_theme.title_focused_bottom : m_theme.title_bottom;
        if (rounded)
            painter.fill_rounded_rect_with_gradient(title, radius - 1, top, bottom, Corners::Top);
        else
            painter.fill_rect_with_gradient(title, top, bottom, Orientation::Vertical);

        if (title.intersects(clip)) {
            // The text stops before the buttons.
            Rect last_button = FrameMetrics::button_rect(frame, 2);
            Rect text_area
                = Rect::from_edges(title.left() + 10, title.top(), last_button.left() - 6, title.bottom());
            painter.save();
            painter.add_clip_rect(text_area);
            int baseline = title.y + (title.height + m_title_font.ascent() - m_title_font.descent()) / 2;
            Color text_color = focused ? m_theme.title_text_focused : m_theme.title_text;
            painter.draw_text({text_area.x, baseline}, window.title(), m_title_font, text_color);
            painter.restore();
            for (int index = 0; index < 3; ++index)
                paint_button(painter, window, index, focused);
        }
    }

    paint_content(painter, window);
}

void Compositor::paint_content(Painter& painter, WindowRecord const& window)
{
    Rect content = window.content_rect();
    Bitmap pixels = window.content();
    Rect visible = content.intersected(painter.clip_rect());
    // Decorated content is opaque and copied 1:1; a buffer smaller than the frame (its owner
    // has not caught up with a resize) shows white beyond its edges. Panels are blended, so
    // they may have rounded corners or soft edges.
    bool opaque = window.is_decorated();
    if (opaque && pixels.size() != content.size())
        painter.fill_rect(content, Color::from_rgb(0xffffff));
    if (!visible.is_empty() && !pixels.is_null()) {
        Rect source {visible.x - content.x, visible.y - content.y, visible.width, visible.height};
        painter.blit(visible.location(), pixels, source, opaque ? BlendMode::Copy : BlendMode::SourceOver);
    }
}

void Compositor::paint_button(Painter& painter, WindowRecord const& window, int index, bool focused)
{
    Rect button = FrameMetrics::button_rect(window.frame, index);
    if (!button.intersects(painter.clip_rect()))
        return;
    HitZone const zones[] = {HitZone::CloseButton, HitZone::MaximizeButton, HitZone::MinimizeButton};
    bool hovered = m_hover.window == window.id && m_hover.zone == zones[index];
    if (hovered)
        painter.fill_rounded_rect(button, 4, index == 0 ? m_theme.close_hover : m_theme.button_hover);
    Color ink = focused || hovered ? m_theme.title_text_focused : m_theme.title_text;
    float left = float(button.x) + 6;
    float top = float(button.y) + 6;
    float right = float(button.right()) - 6;
    float bottom = float(button.bottom()) - 6;
    switch (index) {
    case 0: // Close: a cross.
        painter.draw_line(FloatPoint {left, top}, FloatPoint {right, bottom}, ink, 1.6f);
        painter.draw_line(FloatPoint {left, bottom}, FloatPoint {right, top}, ink, 1.6f);
        break;
    case 1: // Maximize (a frame) or restore (two overlapping frames).
        if (window.state == WindowState::Maximized) {
            painter.stroke_rect({button.x + 5, button.y + 8, 7, 7}, ink);
            painter.fill_rect({button.x + 8, button.y + 5, 7, 1}, ink);
            painter.fill_rect({button.x + 14, button.y + 5, 1, 7}, ink);
            painter.fill_rect({button.x + 8, button.y + 6, 1, 2}, ink);
            painter.fill_rect({button.x + 12, button.y + 11, 2, 1}, ink);
        } else {
            painter.stroke_rect({button.x + 5, button.y + 5, 10, 10}, ink);
            painter.fill_rect({button.x + 5, button.y + 5, 10, 2}, ink);
        }
        break;
    default: // Minimize: a bar.
        painter.fill_rect({button.x + 5, button.y + 13, 10, 2}, ink);
        break;
    }
}

void Compositor::paint_cursor(Painter& painter)
{
    Rect clip = painter.clip_rect();
    u32 const outline = 0xff000000;
    u32 const fill = 0xffffffff;
    for (int row = 0; row < cursor_height; ++row) {
        int y = m_pointer.y + row;
        if (y < clip.top() || y >= clip.bottom())
            continue;
        for (int column = 0; column < cursor_width; ++column) {
            int x = m_pointer.x + column;
            char shape = cursor_shape[row][column];
            if (x < clip.left() || x >= clip.right() || (shape != 'X' && shape != 'o'))
                continue;
            m_screen.set_pixel(x, y, shape == 'X' ? outline : fill);
        }
    }
}

} // namespace Windowing
