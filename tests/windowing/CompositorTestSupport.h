/*
 * tests/windowing/CompositorTestSupport.h: what the compositor tests share — a malloc-backed
 * PixelAllocator that counts live buffers, a Desktop (a 1024x768 screen canvas, a
 * WindowStore, the title font and a Compositor presenting into a list of rects), pointer and
 * key helpers that feed HAL input events, and region comparison.
 */
#pragma once

#include "PaintTestSupport.h"
#include <QTest>
#include <cstdlib>
#include <memory>
#include <vector>
#include <windowing/Compositor.h>
#include <windowing/EmbeddedFonts.h>

namespace CompositorTest {

using namespace Windowing;

class MallocAllocator final : public PixelAllocator {
public:
    ErrorOr<u32*> allocate_pixels(usize count) override
    {
        auto* pixels = static_cast<u32*>(std::malloc(count * 4));
        if (pixels == nullptr)
            return Error::from_string_literal("out of memory");
        ++live;
        return pixels;
    }
    void free_pixels(u32* pixels, usize) override
    {
        --live;
        std::free(pixels);
    }
    int live {0};
};

inline Font const& title_font()
{
    static Font font = MUST(load_embedded_font("DejaVu Sans Bold"sv, 13));
    return font;
}

struct Desktop {
    static constexpr int width = 1024;
    static constexpr int height = 768;

    Desktop()
        : canvas(width, height)
        , store(std::make_unique<WindowStore>())
    {
        make_compositor();
    }
    ~Desktop()
    {
        for (auto const& window : store->windows) {
            if (window.is_used())
                store->destroy_window(allocator, window.id);
        }
    }

    // A new compositor over the same records, as after a restart.
    void make_compositor()
    {
        compositor = std::make_unique<Compositor>(
            *store, allocator, canvas.bitmap(), title_font(),
            [](void* context, Span<Rect const> rects) {
                auto& presented = static_cast<Desktop*>(context)->presented;
                for (Rect const& rect : rects)
                    presented.push_back(rect);
            },
            this);
        compositor->rebuild();
    }

    WindowId create(char const* title, Rect frame, u32 owner = 1)
    {
        auto id = compositor->create_window(owner, StringView(title, __builtin_strlen(title)), frame);
        VERIFY(!id.is_error());
        return id.value();
    }
    WindowRecord& window(WindowId id) { return *store->find(id); }

    void feed(Hal::InputEvent const& event) { compositor->handle_input(event); }
    void move_pointer(Point point)
    {
        Hal::InputEvent event;
        event.type = Hal::InputEventType::PointerAbsolute;
        event.x = point.x;
        event.y = point.y;
        feed(event);
    }
    void button(bool pressed, Hal::PointerButton which = Hal::PointerButton::Left)
    {
        Hal::InputEvent event;
        event.type = Hal::InputEventType::Button;
        event.button = which;
        event.key_state = pressed ? Hal::KeyState::Pressed : Hal::KeyState::Released;
        feed(event);
    }
    void click(Point point)
    {
        move_pointer(point);
        button(true);
        button(false);
    }
    // Press at `from`, move in `steps` steps to `to`, release.
    void drag(Point from, Point to, int steps = 4)
    {
        move_pointer(from);
        button(true);
        for (int step = 1; step <= steps; ++step)
            move_pointer({from.x + (to.x - from.x) * step / steps, from.y + (to.y - from.y) * step / steps});
        button(false);
    }
    void key(Hal::KeyCode code, bool pressed, Hal::Modifiers modifiers = 0)
    {
        Hal::InputEvent event;
        event.type = Hal::InputEventType::Key;
        event.key = code;
        event.key_state = pressed ? Hal::KeyState::Pressed : Hal::KeyState::Released;
        event.modifiers = modifiers;
        event.character = pressed ? Hal::character_for_key(code, modifiers) : 0;
        feed(event);
    }
    std::vector<WindowEvent> take_events()
    {
        std::vector<WindowEvent> events;
        while (auto event = compositor->next_event())
            events.push_back(*event);
        return events;
    }
    // Composes and forgets what was presented and the queued events.
    void settle()
    {
        compositor->compose();
        presented.clear();
        take_events();
    }

    MallocAllocator allocator;
    PaintTest::Canvas canvas;
    std::unique_ptr<WindowStore> store;
    std::unique_ptr<Compositor> compositor;
    std::vector<Rect> presented;
};

inline i64 overlap_area(Region const& a, Region const& b)
{
    i64 total = 0;
    for (Rect const& x : a.rects()) {
        for (Rect const& y : b.rects())
            total += x.intersected(y).area();
    }
    return total;
}

// The same set of pixels (rects in a Region never overlap).
inline bool same_pixels(Region const& a, Region const& b)
{
    return a.area() == b.area() && overlap_area(a, b) == a.area();
}

inline QString describe(Region const& region)
{
    QString text;
    for (Rect const& rect : region.rects())
        text += QString("(%1,%2 %3x%4) ").arg(rect.x).arg(rect.y).arg(rect.width).arg(rect.height);
    return text;
}

inline Point center(Rect rect) { return {rect.x + rect.width / 2, rect.y + rect.height / 2}; }

} // namespace CompositorTest

#define COMPARE_REGIONS(actual, expected)                                                                    \
    QVERIFY2(CompositorTest::same_pixels(actual, expected),                                                  \
        qPrintable("damage " + CompositorTest::describe(actual) + "expected "                                \
            + CompositorTest::describe(expected)))
