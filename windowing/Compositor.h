/*
 * windowing/Compositor.h: Compositor, the native half of the window system. It draws the
 * windows of a WindowStore (WindowRecord.h) onto the screen — wallpaper, shadows,
 * decorations, content, pointer — and runs the mouse and keyboard side of window management:
 * hit testing, move and resize with pointer capture, raise on click, minimize, maximize and
 * restore, close requests, keyboard focus and Alt+Tab.
 *
 *     Compositor compositor(store, allocator, back_buffer, title_font, present_rects, &screen);
 *     compositor.rebuild();                       // after boot: all from the records
 *     compositor.handle_input(hal_event);         // pointer and keys
 *     compositor.compose();                       // repaints and presents only the damage
 *     while (auto event = compositor.next_event()) deliver_to(event->owner, *event);
 *
 * Nothing of the compositor is persistent: the records are the truth, and rebuild() makes
 * the stacking order from them and damages the whole screen. Every change adds the exact
 * rects it affects to a damage Region; compose() repaints only those rects (every pixel's
 * value depends on its position alone, so a damaged-only frame equals a full repaint) and
 * hands them to the Present callback (Hal::present on a port, a check in tests).
 */
#pragma once

#include <base/Optional.h>
#include <base/Span.h>
#include <kernel/hal/Input.h>
#include <windowing/Bitmap.h>
#include <windowing/Color.h>
#include <windowing/Region.h>
#include <windowing/WindowRecord.h>

namespace Windowing {

class Font;
class Painter;

// What is under a screen point.
enum class HitZone : u8 {
    Desktop,
    TitleBar,
    CloseButton,
    MaximizeButton,
    MinimizeButton,
    Content,
    ResizeLeft,
    ResizeRight,
    ResizeTop,
    ResizeBottom,
    ResizeTopLeft,
    ResizeTopRight,
    ResizeBottomLeft,
    ResizeBottomRight,
};

struct HitTestResult {
    WindowId window {0}; // 0 on the desktop.
    HitZone zone {HitZone::Desktop};
};

enum class WindowEventType : u8 {
    CloseRequested, // The close button was clicked: the owner decides.
    Key,            // input: a Hal key event for the focused window.
    PointerMove,    // position: content coordinates.
    PointerButton,  // position, input.button, input.key_state.
    Wheel,          // position, input.x/input.y notches.
    FocusIn,
    FocusOut,
    Resized, // size: the new content size; the content kept its old pixels top-left.
};

struct WindowEvent {
    WindowEventType type {WindowEventType::CloseRequested};
    WindowId window {0};
    u32 owner {0};
    Point position;
    Size size;
    Hal::InputEvent input;
};

struct CompositorTheme {
    Color wallpaper_top {Color::from_rgb(0x1b2a4a)};
    Color wallpaper_bottom {Color::from_rgb(0x3f7ea6)};
    Color shadow {Color::from_argb(0x90000000)};
    Color border_focused {Color::from_rgb(0x24466e)};
    Color border {Color::from_rgb(0x7d8590)};
    Color title_focused_top {Color::from_rgb(0x4c82c3)};
    Color title_focused_bottom {Color::from_rgb(0x2c5a94)};
    Color title_top {Color::from_rgb(0xd9dde3)};
    Color title_bottom {Color::from_rgb(0xc3c8d0)};
    Color title_text_focused {Color::from_rgb(0xffffff)};
    Color title_text {Color::from_rgb(0x4a4f57)};
    Color button_hover {Color::from_argb(0x40ffffff)};
    Color close_hover {Color::from_rgb(0xd9443c)};
};

class Compositor {
public:
    using PresentCallback = void (*)(void* context, Span<Rect const> rects);
    static constexpr int event_capacity = 256;
    static constexpr int cursor_width = 12;
    static constexpr int cursor_height = 19;

    // `screen` is where frames are composed (a back buffer, or the framebuffer itself);
    // `title_font` must outlive the compositor.
    Compositor(WindowStore&, PixelAllocator&, Bitmap screen, Font const& title_font, PresentCallback,
        void* present_context);

    // Makes the native state (stacking order) from the records and damages everything.
    void rebuild();
    // Repaints the damaged rects, presents them and clears the damage. Returns whether
    // anything was repainted.
    bool compose();
    // Repaints everything (the reference a damaged-only frame must equal).
    void compose_everything();
    Region const& damage() const { return m_damage; }
    void add_damage(Rect rect);

    CompositorTheme& theme() { return m_theme; }
    WindowStore& store() { return m_store; }
    Bitmap const& screen() const { return m_screen; }
    Rect screen_rect() const { return m_screen.rect(); }
    // The area a maximized window fills: the screen minus the task-bar strip at the bottom.
    Rect maximized_frame() const;

    // Window management (what the mouse does, also callable directly).
    [[nodiscard]] ErrorOr<WindowId> create_window(
        u32 owner, StringView title, Rect frame, WindowLayer = WindowLayer::Normal);
    void destroy_window(WindowId);
    // A record its owner put into the store itself (made from a persistent object): stacks
    // and shows it.
    void adopt_window(WindowId);
    void set_title(WindowId, StringView title);
    void move_window(WindowId, Point location);
    [[nodiscard]] ErrorOr<void> set_window_frame(WindowId, Rect frame);
    void raise(WindowId);
    void focus(WindowId); // 0 focuses nothing.
    void minimize(WindowId);
    [[nodiscard]] ErrorOr<void> maximize(WindowId);
    [[nodiscard]] ErrorOr<void> restore(WindowId);
    // The owner drew into the content: `rect` in content coordinates.
    void invalidate_content(WindowId, Rect rect);

    WindowId focused_window() const { return m_store.focused; }
    // Bottom to top, visible or not.
    Span<WindowId const> stacking_order() const { return {m_stack, usize(m_stack_count)}; }
    HitTestResult hit_test(Point) const;

    // A HAL input event: pointer, buttons, wheel and keys.
    void handle_input(Hal::InputEvent const&);
    Point pointer() const { return m_pointer; }
    Optional<WindowEvent> next_event();
    u64 dropped_events() const { return m_dropped_events; }

private:
    enum class Capture : u8 {
        None,
        Move,
        Resize,
        Button,  // A title-bar button pressed; it acts on release over it.
        Content, // A press in content: the window gets the pointer until release.
    };

    WindowRecord* visible_window(WindowId);
    void restack();
    void damage_window(WindowRecord const&);
    void damage_decorations(WindowRecord const&);
    Rect cursor_rect() const;
    void post(WindowEventType, WindowRecord const&, Hal::InputEvent const& input = {});
    [[nodiscard]] ErrorOr<void> apply_frame(WindowRecord&, Rect frame);
    void focus_window(WindowId, bool remember);
    void focus_topmost_visible();

    void handle_pointer_move(Point);
    void handle_button(Hal::InputEvent const&);
    void handle_key(Hal::InputEvent const&);
    void press(Point);
    void release();
    void resize_to_pointer(Point);
    void set_hover(HitTestResult);

    // CompositorPaint.cpp
    void paint(Rect rect);
    void paint_window(Painter&, WindowRecord const&);
    void paint_content(Painter&, WindowRecord const&);
    void paint_button(Painter&, WindowRecord const&, int index, bool focused);
    void paint_cursor(Painter&);

    WindowStore& m_store;
    PixelAllocator& m_allocator;
    Bitmap m_screen;
    Font const& m_title_font;
    PresentCallback m_present;
    void* m_present_context;
    CompositorTheme m_theme;
    Region m_damage;

    WindowId m_stack[WindowStore::capacity] {};
    int m_stack_count {0};

    Point m_pointer;
    bool m_left_button_down {false};
    Capture m_capture {Capture::None};
    WindowId m_capture_window {0};
    HitZone m_capture_zone {HitZone::Desktop};
    Point m_capture_start;
    Rect m_capture_frame;
    HitTestResult m_hover;

    Hal::Modifiers m_modifiers {0};
    // Alt+Tab: the windows in most-recently-focused order when the cycle began.
    WindowId m_cycle[WindowStore::capacity] {};
    int m_cycle_count {0};
    int m_cycle_index {0};

    WindowEvent m_events[event_capacity];
    int m_event_head {0};
    int m_event_count {0};
    u64 m_dropped_events {0};
};

} // namespace Windowing
