/*
 * windowing/Compositor.cpp: the compositor's window management — stacking, damage,
 * focus, hit testing — and its input handling (pointer capture for move and resize, title
 * buttons, Alt+Tab, routing to owners). Drawing is in CompositorPaint.cpp.
 */
#include <windowing/Compositor.h>

namespace Windowing {

namespace {

    constexpr u32 content_fill = 0xffffffff;

    bool is_resize_zone(HitZone zone) { return zone >= HitZone::ResizeLeft; }

    bool zone_moves_left(HitZone zone)
    {
        return zone == HitZone::ResizeLeft || zone == HitZone::ResizeTopLeft
            || zone == HitZone::ResizeBottomLeft;
    }
    bool zone_moves_right(HitZone zone)
    {
        return zone == HitZone::ResizeRight || zone == HitZone::ResizeTopRight
            || zone == HitZone::ResizeBottomRight;
    }
    bool zone_moves_top(HitZone zone)
    {
        return zone == HitZone::ResizeTop || zone == HitZone::ResizeTopLeft
            || zone == HitZone::ResizeTopRight;
    }
    bool zone_moves_bottom(HitZone zone)
    {
        return zone == HitZone::ResizeBottom || zone == HitZone::ResizeBottomLeft
            || zone == HitZone::ResizeBottomRight;
    }

    int button_index(HitZone zone)
    {
        switch (zone) {
        case HitZone::CloseButton:
            return 0;
        case HitZone::MaximizeButton:
            return 1;
        case HitZone::MinimizeButton:
            return 2;
        default:
            return -1;
        }
    }

} // namespace

Compositor::Compositor(WindowStore& store, PixelAllocator& allocator, Bitmap screen, Font const& title_font,
    PresentCallback present, void* present_context)
    : m_store(store)
    , m_allocator(allocator)
    , m_screen(screen)
    , m_title_font(title_font)
    , m_present(present)
    , m_present_context(present_context)
{
    m_pointer = {screen.width() / 2, screen.height() / 2};
}

void Compositor::rebuild()
{
    // The records may come from an older run: make the counters hand out fresh values and
    // drop a pointer-free record's stale content size, so nothing below trusts them blindly.
    for (auto& window : m_store.windows) {
        if (!window.is_used())
            continue;
        if (window.pixels == nullptr)
            window.content_size = {};
        m_store.next_id = Base::max(m_store.next_id, window.id + 1);
        m_store.next_z_order = Base::max(m_store.next_z_order, window.z_order + 1);
        m_store.next_focus_order = Base::max(m_store.next_focus_order, window.focus_order + 1);
    }
    restack();
    if (m_store.focused != 0 && visible_window(m_store.focused) == nullptr)
        m_store.focused = 0;
    m_capture = Capture::None;
    m_hover = {};
    m_cycle_count = 0;
    add_damage(screen_rect());
}

// Insertion sort by layer, then z_order: at most 64 windows, and usually nearly sorted already.
void Compositor::restack()
{
    auto below = [](WindowRecord const& a, WindowRecord const& b) {
        return a.layer != b.layer ? a.layer < b.layer : a.z_order < b.z_order;
    };
    m_stack_count = 0;
    for (auto const& window : m_store.windows) {
        if (!window.is_used())
            continue;
        int position = m_stack_count++;
        while (position > 0 && below(window, *m_store.find(m_stack[position - 1]))) {
            m_stack[position] = m_stack[position - 1];
            --position;
        }
        m_stack[position] = window.id;
    }
}

WindowRecord* Compositor::visible_window(WindowId id)
{
    WindowRecord* window = m_store.find(id);
    return window != nullptr && window->is_visible() ? window : nullptr;
}

void Compositor::add_damage(Rect rect)
{
    rect = rect.intersected(screen_rect());
    if (!rect.is_empty())
        m_damage.add(rect);
}

void Compositor::damage_window(WindowRecord const& window)
{
    if (window.is_visible())
        add_damage(window.visual_rect());
}

// Focus changes the border, the title bar and its text; the content and shadow stay.
void Compositor::damage_decorations(WindowRecord const& window)
{
    if (!window.is_visible())
        return;
    Rect frame = window.frame;
    Rect content = window.content_rect();
    for (Rect const& piece : frame.subtracted(content))
        add_damage(piece);
}

Rect Compositor::maximized_frame() const
{
    return {0, 0, m_screen.width(), Base::max(0, m_screen.height() - FrameMetrics::taskbar_height)};
}

ErrorOr<WindowId> Compositor::create_window(u32 owner, StringView title, Rect frame, WindowLayer layer)
{
    WindowId id = TRY(m_store.create_window(m_allocator, owner, title, frame, layer));
    restack();
    damage_window(*m_store.find(id));
    return id;
}

void Compositor::adopt_window(WindowId id)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr)
        return;
    m_store.next_id = Base::max(m_store.next_id, id + 1);
    m_store.next_z_order = Base::max(m_store.next_z_order, window->z_order + 1);
    m_store.next_focus_order = Base::max(m_store.next_focus_order, window->focus_order + 1);
    restack();
    damage_window(*window);
}

void Compositor::destroy_window(WindowId id)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr)
        return;
    damage_window(*window);
    bool was_focused = m_store.focused == id;
    m_store.destroy_window(m_allocator, id);
    if (m_capture_window == id)
        m_capture = Capture::None;
    if (m_hover.window == id)
        m_hover = {};
    restack();
    if (was_focused)
        focus_topmost_visible();
}

void Compositor::set_title(WindowId id, StringView title)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr)
        return;
    window->set_title(title);
    if (window->is_visible())
        add_damage(FrameMetrics::title_bar_rect(window->frame));
}

void Compositor::move_window(WindowId id, Point location)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr || window->frame.location() == location)
        return;
    damage_window(*window);
    window->frame.x = location.x;
    window->frame.y = location.y;
    if (window->state == WindowState::Normal)
        window->restore_frame = window->frame;
    damage_window(*window);
}

ErrorOr<void> Compositor::apply_frame(WindowRecord& window, Rect frame)
{
    Size minimum = window.is_decorated() ? FrameMetrics::minimum_frame_size() : Size {1, 1};
    frame.width = Base::max(frame.width, minimum.width);
    frame.height = Base::max(frame.height, minimum.height);
    if (frame == window.frame)
        return {};
    Size content_size = window.content_rect_for(frame).size();
    bool resized = content_size != window.content_size;
    TRY(window.resize_content(m_allocator, content_size, content_fill));
    damage_window(window);
    window.frame = frame;
    damage_window(window);
    if (resized)
        post(WindowEventType::Resized, window);
    return {};
}

ErrorOr<void> Compositor::set_window_frame(WindowId id, Rect frame)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr)
        return Error::from_string_literal("Compositor: no such window");
    TRY(apply_frame(*window, frame));
    if (window->state == WindowState::Normal)
        window->restore_frame = window->frame;
    return {};
}

// Raising damages only what was hidden: the window's pixels under windows that were above it.
void Compositor::raise(WindowId id)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr)
        return;
    if (m_stack_count > 0 && m_stack[m_stack_count - 1] == id)
        return;
    if (window->is_visible()) {
        Rect visual = window->visual_rect();
        bool above = false;
        for (int i = 0; i < m_stack_count; ++i) {
            if (m_stack[i] == id) {
                above = true;
                continue;
            }
            WindowRecord const* other = m_store.find(m_stack[i]);
            if (above && other->is_visible())
                add_damage(visual.intersected(other->visual_rect()));
        }
    }
    window->z_order = m_store.next_z_order++;
    restack();
}

void Compositor::focus(WindowId id) { focus_window(id, true); }

void Compositor::focus_window(WindowId id, bool remember)
{
    WindowRecord* window = m_store.find(id);
    if (window != nullptr && !window->is_decorated())
        window = nullptr;
    if (window == nullptr)
        id = 0;
    if (remember && window != nullptr)
        window->focus_order = m_store.next_focus_order++;
    if (m_store.focused == id)
        return;
    if (WindowRecord* old = m_store.find(m_store.focused)) {
        damage_decorations(*old);
        post(WindowEventType::FocusOut, *old);
    }
    m_store.focused = id;
    if (window != nullptr) {
        damage_decorations(*window);
        post(WindowEventType::FocusIn, *window);
    }
}

// After the focused window went away: the most recently focused visible one takes over.
void Compositor::focus_topmost_visible()
{
    WindowRecord* best = nullptr;
    for (auto& window : m_store.windows) {
        if (window.is_visible() && window.is_decorated() && window.id != m_store.focused
            && (best == nullptr || window.focus_order > best->focus_order))
            best = &window;
    }
    focus_window(best != nullptr ? best->id : 0, false);
}

void Compositor::minimize(WindowId id)
{
    WindowRecord* window = visible_window(id);
    if (window == nullptr)
        return;
    damage_window(*window);
    window->state_before_minimize = window->state;
    window->state = WindowState::Minimized;
    if (m_capture_window == id)
        m_capture = Capture::None;
    if (m_store.focused == id)
        focus_topmost_visible();
}

ErrorOr<void> Compositor::maximize(WindowId id)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr || window->state == WindowState::Maximized)
        return {};
    if (window->state == WindowState::Minimized)
        window->state = WindowState::Normal;
    else
        window->restore_frame = window->frame;
    TRY(apply_frame(*window, maximized_frame()));
    window->state = WindowState::Maximized;
    damage_window(*window);
    return {};
}

// Un-minimizes (back to what it was) or un-maximizes (back to the remembered frame).
ErrorOr<void> Compositor::restore(WindowId id)
{
    WindowRecord* window = m_store.find(id);
    if (window == nullptr)
        return {};
    if (window->state == WindowState::Minimized) {
        window->state = window->state_before_minimize;
        damage_window(*window);
        return {};
    }
    if (window->state == WindowState::Maximized) {
        window->state = WindowState::Normal;
        TRY(apply_frame(*window, window->restore_frame));
        damage_window(*window);
    }
    return {};
}

void Compositor::invalidate_content(WindowId id, Rect rect)
{
    WindowRecord const* window = visible_window(id);
    if (window == nullptr)
        return;
    Rect content = window->content_rect();
    rect = rect.intersected({0, 0, content.width, content.height});
    add_damage(rect.translated(content.x, content.y));
}

HitTestResult Compositor::hit_test(Point point) const
{
    for (int i = m_stack_count - 1; i >= 0; --i) {
        WindowRecord const* window = m_store.find(m_stack[i]);
        if (!window->is_visible())
            continue;
        Rect frame = window->frame;
        if (!window->is_decorated()) {
            if (frame.contains(point))
                return {window->id, HitZone::Content};
            continue;
        }
        bool resizable = window->state == WindowState::Normal;
        Rect grab = resizable ? frame.inflated(FrameMetrics::resize_margin) : frame;
        if (!grab.contains(point))
            continue;
        Rect inner = resizable ? frame.inflated(-FrameMetrics::border) : frame;
        if (!inner.contains(point)) {
            bool left = point.x < inner.left();
            bool right = point.x >= inner.right();
            bool top = point.y < inner.top();
            bool bottom = point.y >= inner.bottom();
            // Near a corner along an edge counts as the corner: easier to grab.
            if (left || right) {
                top = top || point.y < frame.top() + FrameMetrics::corner_size;
                bottom = bottom || point.y >= frame.bottom() - FrameMetrics::corner_size;
            } else {
                left = point.x < frame.left() + FrameMetrics::corner_size;
                right = point.x >= frame.right() - FrameMetrics::corner_size;
            }
            HitZone zone = top ? (left     ? HitZone::ResizeTopLeft
                                   : right ? HitZone::ResizeTopRight
                                           : HitZone::ResizeTop)
                : bottom       ? (left  ? HitZone::ResizeBottomLeft
                                : right ? HitZone::ResizeBottomRight
                                        : HitZone::ResizeBottom)
                               : (left ? HitZone::ResizeLeft : HitZone::ResizeRight);
            return {window->id, zone};
        }
        if (FrameMetrics::title_bar_rect(frame).contains(point)) {
            HitZone const buttons[]
                = {HitZone::CloseButton, HitZone::MaximizeButton, HitZone::MinimizeButton};
            for (int index = 0; index < 3; ++index) {
                if (FrameMetrics::button_rect(frame, index).contains(point))
                    return {window->id, buttons[index]};
            }
            return {window->id, HitZone::TitleBar};
        }
        return {window->id, HitZone::Content};
    }
    return {};
}

void Compositor::post(WindowEventType type, WindowRecord const& window, Hal::InputEvent const& input)
{
    if (m_event_count == event_capacity) {
        ++m_dropped_events;
        return;
    }
    WindowEvent& event = m_events[(m_event_head + m_event_count++) % event_capacity];
    event = WindowEvent {};
    event.type = type;
    event.window = window.id;
    event.owner = window.owner;
    Rect content = window.content_rect();
    event.position = {m_pointer.x - content.x, m_pointer.y - content.y};
    event.size = window.content_size;
    event.input = input;
}

Optional<WindowEvent> Compositor::next_event()
{
    if (m_event_count == 0)
        return {};
    WindowEvent event = m_events[m_event_head];
    m_event_head = (m_event_head + 1) % event_capacity;
    --m_event_count;
    return event;
}

Rect Compositor::cursor_rect() const { return {m_pointer.x, m_pointer.y, cursor_width, cursor_height}; }

void Compositor::handle_input(Hal::InputEvent const& event)
{
    switch (event.type) {
    case Hal::InputEventType::PointerAbsolute:
        handle_pointer_move({event.x, event.y});
        break;
    case Hal::InputEventType::PointerRelative:
        handle_pointer_move(m_pointer.translated(event.x, event.y));
        break;
    case Hal::InputEventType::Button:
        handle_button(event);
        break;
    case Hal::InputEventType::Wheel: {
        HitTestResult hit = hit_test(m_pointer);
        if (hit.zone == HitZone::Content)
            post(WindowEventType::Wheel, *m_store.find(hit.window), event);
        break;
    }
    case Hal::InputEventType::Key:
        handle_key(event);
        break;
    }
}

void Compositor::handle_pointer_move(Point point)
{
    point.x = Base::clamp(point.x, 0, Base::max(0, m_screen.width() - 1));
    point.y = Base::clamp(point.y, 0, Base::max(0, m_screen.height() - 1));
    if (point == m_pointer)
        return;
    add_damage(cursor_rect());
    m_pointer = point;
    add_damage(cursor_rect());

    switch (m_capture) {
    case Capture::Move: {
        // The title bar stays reachable: not above the screen, not below it, and at least
        // keep_visible pixels of it on screen horizontally.
        constexpr int keep_visible = 48;
        Point location
            = m_capture_frame.location().translated(point.x - m_capture_start.x, point.y - m_capture_start.y);
        location.x
            = Base::clamp(location.x, keep_visible - m_capture_frame.width, m_screen.width() - keep_visible);
        location.y = Base::clamp(location.y, 0,
            Base::max(0, m_screen.height() - FrameMetrics::border - FrameMetrics::title_height));
        move_window(m_capture_window, location);
        return;
    }
    case Capture::Resize:
        resize_to_pointer(point);
        return;
    case Capture::Content:
        if (WindowRecord* window = m_store.find(m_capture_window))
            post(WindowEventType::PointerMove, *window);
        return;
    case Capture::Button:
        return;
    case Capture::None:
        break;
    }
    HitTestResult hit = hit_test(point);
    set_hover(hit);
    if (hit.zone == HitZone::Content)
        post(WindowEventType::PointerMove, *m_store.find(hit.window));
}

// The hovered title button is highlighted, so hover changes damage the buttons involved.
void Compositor::set_hover(HitTestResult hit)
{
    if (hit.window == m_hover.window && hit.zone == m_hover.zone)
        return;
    HitTestResult const changed[] = {m_hover, hit};
    for (HitTestResult const& which : changed) {
        int index = button_index(which.zone);
        WindowRecord const* window = m_store.find(which.window);
        if (index >= 0 && window != nullptr && window->is_visible())
            add_damage(FrameMetrics::button_rect(window->frame, index));
    }
    m_hover = hit;
}

void Compositor::resize_to_pointer(Point point)
{
    WindowRecord* window = m_store.find(m_capture_window);
    if (window == nullptr)
        return;
    int dx = point.x - m_capture_start.x;
    int dy = point.y - m_capture_start.y;
    Size minimum = FrameMetrics::minimum_frame_size();
    Rect start = m_capture_frame;
    int left = start.left();
    int top = start.top();
    int right = start.right();
    int bottom = start.bottom();
    // The dragged edge follows the pointer; the opposite edge stays, even at the minimum size.
    if (zone_moves_left(m_capture_zone))
        left = Base::min(left + dx, right - minimum.width);
    if (zone_moves_right(m_capture_zone))
        right = Base::max(right + dx, left + minimum.width);
    if (zone_moves_top(m_capture_zone))
        top = Base::min(top + dy, bottom - minimum.height);
    if (zone_moves_bottom(m_capture_zone))
        bottom = Base::max(bottom + dy, top + minimum.height);
    // A failed allocation leaves the window as it was; the next move tries again.
    if (!apply_frame(*window, Rect::from_edges(left, top, right, bottom)).is_error())
        window->restore_frame = window->frame;
}

void Compositor::handle_button(Hal::InputEvent const& event)
{
    bool pressed = event.key_state == Hal::KeyState::Pressed;
    if (event.button != Hal::PointerButton::Left) {
        // Other buttons never start window management; they go to the window under the pointer
        // (or the one holding the pointer).
        WindowId target = m_capture == Capture::Content ? m_capture_window : 0;
        if (target == 0) {
            HitTestResult hit = hit_test(m_pointer);
            if (hit.zone == HitZone::Content)
                target = hit.window;
        }
        if (WindowRecord* window = m_store.find(target))
            post(WindowEventType::PointerButton, *window, event);
        return;
    }
    if (pressed == m_left_button_down)
        return;
    m_left_button_down = pressed;
    if (pressed)
        press(m_pointer);
    else
        release();
}

void Compositor::press(Point point)
{
    HitTestResult hit = hit_test(point);
    if (hit.window == 0) {
        focus_window(0, false);
        return;
    }
    WindowRecord* window = m_store.find(hit.window);
    if (window->is_decorated()) {
        raise(hit.window);
        focus_window(hit.window, true);
    }
    m_capture_window = hit.window;
    m_capture_zone = hit.zone;
    m_capture_start = point;
    m_capture_frame = window->frame;
    if (hit.zone == HitZone::TitleBar) {
        m_capture = window->state == WindowState::Normal ? Capture::Move : Capture::None;
    } else if (is_resize_zone(hit.zone)) {
        m_capture = Capture::Resize;
    } else if (button_index(hit.zone) >= 0) {
        m_capture = Capture::Button;
    } else {
        m_capture = Capture::Content;
        Hal::InputEvent input;
        input.type = Hal::InputEventType::Button;
        input.button = Hal::PointerButton::Left;
        input.key_state = Hal::KeyState::Pressed;
        post(WindowEventType::PointerButton, *window, input);
    }
}

void Compositor::release()
{
    Capture capture = m_capture;
    m_capture = Capture::None;
    WindowRecord* window = m_store.find(m_capture_window);
    if (window == nullptr)
        return;
    if (capture == Capture::Content) {
        Hal::InputEvent input;
        input.type = Hal::InputEventType::Button;
        input.button = Hal::PointerButton::Left;
        input.key_state = Hal::KeyState::Released;
        post(WindowEventType::PointerButton, *window, input);
        return;
    }
    if (capture != Capture::Button)
        return;
    // A button acts only when released over itself, so a press can be cancelled by moving away.
    HitTestResult hit = hit_test(m_pointer);
    if (hit.window != window->id || hit.zone != m_capture_zone)
        return;
    switch (hit.zone) {
    case HitZone::CloseButton:
        post(WindowEventType::CloseRequested, *window);
        break;
    case HitZone::MinimizeButton:
        minimize(window->id);
        break;
    case HitZone::MaximizeButton:
        // A failed allocation leaves the window as it was.
        if (window->state == WindowState::Maximized)
            (void)restore(window->id).is_error();
        else
            (void)maximize(window->id).is_error();
        break;
    default:
        break;
    }
    set_hover(hit_test(m_pointer));
}

void Compositor::handle_key(Hal::InputEvent const& event)
{
    Hal::Modifiers bit = Hal::modifier_for_key(event.key);
    bool pressed = event.key_state == Hal::KeyState::Pressed;
    if (bit != 0)
        m_modifiers = pressed ? Hal::Modifiers(m_modifiers | bit) : Hal::Modifiers(m_modifiers & ~bit);

    // Releasing Alt ends an Alt+Tab cycle: the chosen window becomes the most recent one.
    if (bit == Hal::ModifierAlt && !pressed && m_cycle_count > 0) {
        m_cycle_count = 0;
        focus_window(m_store.focused, true);
    }
    bool alt = (m_modifiers | event.modifiers) & Hal::ModifierAlt;
    if (event.key == Hal::KeyCode::Tab && alt) {
        if (!pressed)
            return;
        if (m_cycle_count == 0) {
            // Most recently focused first; minimized windows take part (choosing one restores it).
            for (auto const& window : m_store.windows) {
                if (!window.is_used() || !window.is_decorated())
                    continue;
                int position = m_cycle_count++;
                while (
                    position > 0 && m_store.find(m_cycle[position - 1])->focus_order < window.focus_order) {
                    m_cycle[position] = m_cycle[position - 1];
                    --position;
                }
                m_cycle[position] = window.id;
            }
            if (m_cycle_count == 0)
                return;
            // The focused window leads (it may not be the most recent after a minimize);
            // with nothing focused the first Tab picks the most recent window.
            m_cycle_index = m_cycle_count - 1;
            for (int i = 0; i < m_cycle_count; ++i) {
                if (m_cycle[i] != m_store.focused)
                    continue;
                for (; i > 0; --i)
                    m_cycle[i] = m_cycle[i - 1];
                m_cycle[0] = m_store.focused;
                m_cycle_index = 0;
                break;
            }
        }
        bool backwards = (m_modifiers | event.modifiers) & Hal::ModifierShift;
        m_cycle_index = (m_cycle_index + (backwards ? m_cycle_count - 1 : 1)) % m_cycle_count;
        WindowId chosen = m_cycle[m_cycle_index];
        if (WindowRecord* window = m_store.find(chosen); window != nullptr && !window->is_visible())
            (void)restore(chosen).is_error();
        raise(chosen);
        focus_window(chosen, false);
        return;
    }
    if (WindowRecord* window = visible_window(m_store.focused))
        post(WindowEventType::Key, *window, event);
}

} // namespace Windowing
