/*
 * windowing/WindowRecord.h: the window system's state as plain data — WindowRecord (one
 * window: id, owner, UTF-8 title, frame, restore frame, z-order, state, focus order and its
 * content pixels) and WindowStore (every window plus the counters that hand out ids and
 * orders). Nothing here points outside window-system data, so a WindowStore can live in the
 * persistent address space and survive a restart; the Compositor (Compositor.h) rebuilds
 * its native state from it.
 *
 *     WindowStore& store = *persistent_store;
 *     auto id = TRY(store.create_window(allocator, owner, "Notepad"sv, {80, 60, 480, 320}));
 *     Bitmap content = store.find(id)->content(); // the owner draws here
 *
 * Content buffers come from a caller-provided PixelAllocator (the PAS heap in the system,
 * malloc in tests), which the store never keeps: every call that allocates takes it.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/StringView.h>
#include <base/Types.h>
#include <windowing/Bitmap.h>
#include <windowing/Geometry.h>

namespace Windowing {

using WindowId = u32; // 0 is "no window".

// Where content pixels come from. Implementations hand out 4-byte aligned memory.
class PixelAllocator {
public:
    virtual ~PixelAllocator() = default;
    [[nodiscard]] virtual ErrorOr<u32*> allocate_pixels(usize count) = 0;
    virtual void free_pixels(u32* pixels, usize count) = 0;
};

enum class WindowState : u8 {
    Normal,
    Minimized,
    Maximized,
};

// The fixed look of a window frame, shared by hit testing and drawing. A frame is the whole
// window: a 1-pixel border, the title bar, then the content.
struct FrameMetrics {
    static constexpr int border = 1;
    static constexpr int title_height = 28;
    static constexpr int button_size = 20;
    static constexpr int button_spacing = 4;
    static constexpr int button_margin = 6;  // Right of the close button.
    static constexpr int resize_margin = 4;  // Grab zone outside the border.
    static constexpr int corner_size = 14;   // Along an edge, this close to a corner is the corner.
    static constexpr int corner_radius = 7;  // Top corners of a normal window.
    static constexpr int shadow_radius = 14; // Drop shadow's blur.
    static constexpr int shadow_offset = 4;  // The shadow is moved down by this.
    static constexpr int minimum_content_width = 120;
    static constexpr int minimum_content_height = 40;
    static constexpr int taskbar_height = 36; // Kept free by maximized windows.

    static constexpr Size minimum_frame_size()
    {
        return {minimum_content_width + 2 * border, minimum_content_height + title_height + 2 * border};
    }
    static constexpr Rect frame_for_content(Rect content)
    {
        return {content.x - border, content.y - border - title_height, content.width + 2 * border,
            content.height + title_height + 2 * border};
    }
    static constexpr Rect content_rect(Rect frame)
    {
        return {frame.x + border, frame.y + border + title_height, Base::max(0, frame.width - 2 * border),
            Base::max(0, frame.height - 2 * border - title_height)};
    }
    static constexpr Rect title_bar_rect(Rect frame)
    {
        return {frame.x + border, frame.y + border, Base::max(0, frame.width - 2 * border), title_height};
    }
    // Button 0 is close (rightmost), 1 maximize, 2 minimize.
    static constexpr Rect button_rect(Rect frame, int index)
    {
        int right = frame.right() - border - button_margin - index * (button_size + button_spacing);
        return {right - button_size, frame.y + border + (title_height - button_size) / 2, button_size,
            button_size};
    }
    // Every pixel the window paints, its shadow included.
    static constexpr Rect visual_rect(Rect frame)
    {
        return frame.united(frame.translated(0, shadow_offset).inflated(shadow_radius));
    }
};

// Where a window sits and how it looks. Normal windows have decorations, take the keyboard
// focus and take part in Alt+Tab. Background (the shell's wallpaper) and Panel (the task bar,
// menus) windows are all content, are never focused, moved or resized by the mouse, and stay
// below, respectively above, every normal window.
enum class WindowLayer : u8 {
    Background,
    Normal,
    Panel,
};

struct WindowRecord {
    static constexpr int title_capacity = 128; // Bytes of UTF-8; longer titles are cut.

    WindowId id {0}; // 0: this slot is free.
    u32 owner {0};   // Who gets the window's events (the owner's own numbering).
    Rect frame;
    Rect restore_frame;  // The frame to go back to from maximized.
    u32 z_order {0};     // Larger is nearer the viewer.
    u32 focus_order {0}; // Larger was focused more recently (for Alt+Tab).
    WindowState state {WindowState::Normal};
    WindowState state_before_minimize {WindowState::Normal};
    WindowLayer layer {WindowLayer::Normal};
    u8 title_length {0};
    char title_bytes[title_capacity] {};
    // Content pixels: content_size.width * content_size.height, owned through the allocator.
    u32* pixels {nullptr};
    Size content_size;

    bool is_used() const { return id != 0; }
    bool is_visible() const { return is_used() && state != WindowState::Minimized; }
    StringView title() const { return {title_bytes, title_length}; }
    // Stores `text`, cut at a character boundary to fit title_capacity.
    void set_title(StringView text);
    bool is_decorated() const { return layer == WindowLayer::Normal; }
    // The content of this window were its frame `area`: all of it for undecorated windows.
    Rect content_rect_for(Rect area) const
    {
        return is_decorated() ? FrameMetrics::content_rect(area) : area;
    }
    Rect content_rect() const { return content_rect_for(frame); }
    // Every pixel the window paints (the shadow of a decorated one included).
    Rect visual_rect() const { return is_decorated() ? FrameMetrics::visual_rect(frame) : frame; }
    Bitmap content() const
    {
        return Bitmap(pixels, content_size.width, content_size.height, content_size.width * 4);
    }
    // Makes the content buffer `size`, keeping the pixels that still fit and filling the new
    // ones with `fill` (premultiplied). On failure the old buffer is kept.
    [[nodiscard]] ErrorOr<void> resize_content(PixelAllocator&, Size size, u32 fill);
    void free_content(PixelAllocator&);
};

struct WindowStore {
    static constexpr int capacity = 64;

    WindowRecord windows[capacity];
    WindowId next_id {1};
    u32 next_z_order {1};
    u32 next_focus_order {1};
    WindowId focused {0};

    // A new window on top, not focused, its content white and sized for `frame`.
    [[nodiscard]] ErrorOr<WindowId> create_window(
        PixelAllocator&, u32 owner, StringView title, Rect frame, WindowLayer = WindowLayer::Normal);
    void destroy_window(PixelAllocator&, WindowId);
    WindowRecord* find(WindowId);
    WindowRecord const* find(WindowId) const;
    int window_count() const;
};

} // namespace Windowing
