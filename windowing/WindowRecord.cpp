/*
 * windowing/WindowRecord.cpp: titles, content buffers and the window table of WindowStore.
 */
#include <windowing/WindowRecord.h>

namespace Windowing {

void WindowRecord::set_title(StringView text)
{
    usize length = text.length();
    if (length > usize(title_capacity)) {
        length = title_capacity;
        // Step back over continuation bytes so a multi-byte character is not cut in half.
        while (length > 0 && (u8(text.characters_without_null_termination()[length]) & 0xC0) == 0x80)
            --length;
    }
    __builtin_memcpy(title_bytes, text.characters_without_null_termination(), length);
    title_length = u8(length);
}

ErrorOr<void> WindowRecord::resize_content(PixelAllocator& allocator, Size size, u32 fill)
{
    size.width = Base::max(0, size.width);
    size.height = Base::max(0, size.height);
    if (size == content_size && (pixels != nullptr || size.is_empty()))
        return {};
    usize count = usize(size.width) * usize(size.height);
    u32* new_pixels = nullptr;
    if (count > 0)
        new_pixels = TRY(allocator.allocate_pixels(count));
    for (int y = 0; y < size.height; ++y) {
        u32* row = new_pixels + usize(y) * size.width;
        int kept = 0;
        if (pixels != nullptr && y < content_size.height) {
            kept = Base::min(size.width, content_size.width);
            __builtin_memcpy(row, pixels + usize(y) * content_size.width, usize(kept) * 4);
        }
        for (int x = kept; x < size.width; ++x)
            row[x] = fill;
    }
    free_content(allocator);
    pixels = new_pixels;
    content_size = size;
    return {};
}

void WindowRecord::free_content(PixelAllocator& allocator)
{
    if (pixels != nullptr)
        allocator.free_pixels(pixels, usize(content_size.width) * usize(content_size.height));
    pixels = nullptr;
    content_size = {};
}

ErrorOr<WindowId> WindowStore::create_window(
    PixelAllocator& allocator, u32 owner, StringView title, Rect frame, WindowLayer layer)
{
    Size minimum = layer == WindowLayer::Normal ? FrameMetrics::minimum_frame_size() : Size {1, 1};
    frame.width = Base::max(frame.width, minimum.width);
    frame.height = Base::max(frame.height, minimum.height);
    for (auto& window : windows) {
        if (window.is_used())
            continue;
        window = WindowRecord {};
        window.owner = owner;
        window.layer = layer;
        window.frame = frame;
        window.restore_frame = frame;
        window.set_title(title);
        TRY(window.resize_content(allocator, window.content_rect().size(), 0xffffffff));
        window.id = next_id++;
        if (next_id == 0)
            next_id = 1;
        window.z_order = next_z_order++;
        return window.id;
    }
    return Error::from_string_literal("WindowStore: no free window slot");
}

void WindowStore::destroy_window(PixelAllocator& allocator, WindowId id)
{
    WindowRecord* window = find(id);
    if (window == nullptr)
        return;
    window->free_content(allocator);
    *window = WindowRecord {};
    if (focused == id)
        focused = 0;
}

WindowRecord* WindowStore::find(WindowId id)
{
    if (id == 0)
        return nullptr;
    for (auto& window : windows) {
        if (window.id == id)
            return &window;
    }
    return nullptr;
}

WindowRecord const* WindowStore::find(WindowId id) const { return const_cast<WindowStore*>(this)->find(id); }

int WindowStore::window_count() const
{
    int count = 0;
    for (auto const& window : windows)
        count += window.is_used() ? 1 : 0;
    return count;
}

} // namespace Windowing
