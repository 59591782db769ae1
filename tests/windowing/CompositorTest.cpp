// windowing.compositor_management: the Compositor's window management on the host — the
// exact damage of move, raise, resize and focus changes, the stacking order (also rebuilt
// from the records), hit testing of every zone, focus following clicks, key and pointer
// routing, Alt+Tab in most-recently-used order, dragging, resizing down to the minimum
// size, maximize/restore and the title buttons.
#include "CompositorTestSupport.h"

using namespace CompositorTest;

namespace {

Region visual(Rect frame) { return Region(FrameMetrics::visual_rect(frame)); }

Region decorations(Rect frame)
{
    Region region(frame);
    region.subtract(FrameMetrics::content_rect(frame));
    return region;
}

} // namespace

class CompositorManagementTest : public QObject {
    Q_OBJECT

private slots:
    void damage_after_move()
    {
        Desktop desktop;
        Rect frame {100, 100, 300, 200};
        WindowId id = desktop.create("A", frame);
        desktop.settle();
        desktop.compositor->move_window(id, {150, 120});
        Region expected = visual(frame);
        expected.add(FrameMetrics::visual_rect({150, 120, 300, 200}));
        COMPARE_REGIONS(desktop.compositor->damage(), expected);
        QVERIFY(desktop.compositor->damage().is_exact());
        // compose() presents exactly the damage and clears it.
        QVERIFY(desktop.compositor->compose());
        Region presented;
        for (Rect const& rect : desktop.presented)
            presented.add(rect);
        COMPARE_REGIONS(presented, expected);
        QVERIFY(desktop.compositor->damage().is_empty());
        QVERIFY(!desktop.compositor->compose());
    }

    void damage_after_raise()
    {
        Desktop desktop;
        Rect a_frame {100, 100, 300, 200};
        Rect b_frame {250, 150, 300, 200};
        Rect c_frame {700, 400, 200, 150}; // Does not overlap A.
        WindowId a = desktop.create("A", a_frame);
        desktop.create("B", b_frame);
        desktop.create("C", c_frame);
        desktop.settle();
        desktop.compositor->raise(a);
        // Only the part of A that B hid: A's pixels under B (shadows included).
        Region expected(FrameMetrics::visual_rect(a_frame).intersected(FrameMetrics::visual_rect(b_frame)));
        COMPARE_REGIONS(desktop.compositor->damage(), expected);
        desktop.settle();
        desktop.compositor->raise(a); // Already on top: nothing changes.
        QVERIFY(desktop.compositor->damage().is_empty());
    }

    void damage_after_resize()
    {
        Desktop desktop;
        Rect frame {200, 200, 300, 200};
        WindowId id = desktop.create("A", frame, 7);
        desktop.settle();
        Rect bigger {200, 200, 420, 260};
        QVERIFY(!desktop.compositor->set_window_frame(id, bigger).is_error());
        Region expected = visual(frame);
        expected.add(FrameMetrics::visual_rect(bigger));
        COMPARE_REGIONS(desktop.compositor->damage(), expected);
        QCOMPARE(desktop.window(id).content_size, FrameMetrics::content_rect(bigger).size());
        auto events = desktop.take_events();
        QCOMPARE(events.size(), usize(1));
        QCOMPARE(events[0].type, WindowEventType::Resized);
        QCOMPARE(events[0].owner, 7u);
        QCOMPARE(events[0].size, FrameMetrics::content_rect(bigger).size());
    }

    void damage_after_focus_change_is_decorations_only()
    {
        Desktop desktop;
        Rect a_frame {100, 100, 300, 200};
        Rect b_frame {500, 300, 300, 200};
        WindowId a = desktop.create("A", a_frame);
        WindowId b = desktop.create("B", b_frame);
        desktop.compositor->focus(a);
        desktop.settle();
        desktop.compositor->focus(b);
        Region expected = decorations(a_frame);
        expected.add(decorations(b_frame));
        COMPARE_REGIONS(desktop.compositor->damage(), expected);
        auto events = desktop.take_events();
        QCOMPARE(events.size(), usize(2));
        QCOMPARE(events[0].type, WindowEventType::FocusOut);
        QCOMPARE(events[0].window, a);
        QCOMPARE(events[1].type, WindowEventType::FocusIn);
        QCOMPARE(events[1].window, b);
    }

    void damage_of_content_and_pointer()
    {
        Desktop desktop;
        Rect frame {100, 100, 300, 200};
        WindowId id = desktop.create("A", frame);
        desktop.move_pointer({10, 10});
        desktop.settle();
        desktop.compositor->invalidate_content(id, {5, 6, 20, 10});
        Rect content = FrameMetrics::content_rect(frame);
        COMPARE_REGIONS(desktop.compositor->damage(), Region(Rect {content.x + 5, content.y + 6, 20, 10}));
        desktop.settle();
        desktop.move_pointer({30, 12});
        Region expected(Rect {10, 10, Compositor::cursor_width, Compositor::cursor_height});
        expected.add(Rect {30, 12, Compositor::cursor_width, Compositor::cursor_height});
        COMPARE_REGIONS(desktop.compositor->damage(), expected);
    }

    void z_order_and_rebuild()
    {
        Desktop desktop;
        WindowId a = desktop.create("A", {100, 100, 300, 200});
        WindowId b = desktop.create("B", {150, 150, 300, 200});
        WindowId c = desktop.create("C", {200, 200, 300, 200});
        auto order = [&] {
            auto stack = desktop.compositor->stacking_order();
            return std::vector<WindowId>(stack.begin(), stack.end());
        };
        QCOMPARE(order(), (std::vector<WindowId> {a, b, c}));
        desktop.compositor->raise(b);
        QCOMPARE(order(), (std::vector<WindowId> {a, c, b}));
        // A click on A's visible title bar raises it.
        desktop.click({120, 110});
        QCOMPARE(order(), (std::vector<WindowId> {c, b, a}));
        QCOMPARE(desktop.compositor->focused_window(), a);
        // The order and focus live in the records: a new compositor finds them again.
        desktop.make_compositor();
        QCOMPARE(order(), (std::vector<WindowId> {c, b, a}));
        QCOMPARE(desktop.compositor->focused_window(), a);
        QVERIFY(
            same_pixels(desktop.compositor->damage(), Region(Rect {0, 0, Desktop::width, Desktop::height})));

        // Counters behind the records (an older store): rebuild() moves them past every record,
        // so a raise still puts the window on top and new ids stay unique.
        desktop.store->next_z_order = 1;
        desktop.store->next_id = 1;
        desktop.make_compositor();
        desktop.compositor->raise(c);
        QCOMPARE(order(), (std::vector<WindowId> {b, a, c}));
        WindowId d = desktop.create("D", {50, 50, 200, 150});
        QVERIFY(d != a && d != b && d != c);
        QCOMPARE(order().back(), d);
    }

    void hit_testing_every_zone()
    {
        Desktop desktop;
        Rect frame {200, 150, 400, 300};
        WindowId id = desktop.create("A", frame);
        int const margin = FrameMetrics::resize_margin;
        auto hit = [&](int x, int y) { return desktop.compositor->hit_test({x, y}); };
        auto zone = [&](int x, int y) { return hit(x, y).zone; };

        QCOMPARE(hit(10, 10).window, 0u);
        QCOMPARE(zone(10, 10), HitZone::Desktop);
        QCOMPARE(zone(frame.x - margin - 1, 300), HitZone::Desktop);
        QCOMPARE(hit(300, 300).window, id);
        QCOMPARE(zone(300, 300), HitZone::Content);
        Rect title = FrameMetrics::title_bar_rect(frame);
        QCOMPARE(zone(title.x + 40, title.y + 5), HitZone::TitleBar);
        QCOMPARE(zone(center(FrameMetrics::button_rect(frame, 0)).x,
                     center(FrameMetrics::button_rect(frame, 0)).y),
            HitZone::CloseButton);
        QCOMPARE(zone(center(FrameMetrics::button_rect(frame, 1)).x,
                     center(FrameMetrics::button_rect(frame, 1)).y),
            HitZone::MaximizeButton);
        QCOMPARE(zone(center(FrameMetrics::button_rect(frame, 2)).x,
                     center(FrameMetrics::button_rect(frame, 2)).y),
            HitZone::MinimizeButton);
        // Edges: the border pixel and the grab margin outside it.
        QCOMPARE(zone(frame.x, 300), HitZone::ResizeLeft);
        QCOMPARE(zone(frame.x - margin, 300), HitZone::ResizeLeft);
        QCOMPARE(zone(frame.right() - 1, 300), HitZone::ResizeRight);
        QCOMPARE(zone(frame.right() + margin - 1, 300), HitZone::ResizeRight);
        QCOMPARE(zone(400, frame.y), HitZone::ResizeTop);
        QCOMPARE(zone(400, frame.y - 2), HitZone::ResizeTop);
        QCOMPARE(zone(400, frame.bottom() - 1), HitZone::ResizeBottom);
        QCOMPARE(zone(400, frame.bottom() + 3), HitZone::ResizeBottom);
        // Corners, also a little way along each edge.
        QCOMPARE(zone(frame.x - 1, frame.y - 1), HitZone::ResizeTopLeft);
        QCOMPARE(zone(frame.x, frame.y + 5), HitZone::ResizeTopLeft);
        QCOMPARE(zone(frame.right(), frame.y - 1), HitZone::ResizeTopRight);
        QCOMPARE(zone(frame.x + 3, frame.bottom()), HitZone::ResizeBottomLeft);
        QCOMPARE(zone(frame.right() + 1, frame.bottom() + 1), HitZone::ResizeBottomRight);
        QCOMPARE(zone(frame.right() - 1, frame.bottom() - 10), HitZone::ResizeBottomRight);

        // A window on top takes the hits where it is; a minimized one takes none.
        WindowId top = desktop.create("B", {350, 250, 300, 200});
        QCOMPARE(hit(400, 350).window, top);
        desktop.compositor->minimize(top);
        QCOMPARE(hit(400, 350).window, id);
        // A maximized window has no resize edges.
        QVERIFY(!desktop.compositor->maximize(id).is_error());
        QCOMPARE(zone(0, 300), HitZone::Content);
        QCOMPARE(zone(5, 5), HitZone::TitleBar);
    }

    void focus_follows_clicks_and_input_is_routed()
    {
        Desktop desktop;
        Rect a_frame {100, 100, 300, 200};
        Rect b_frame {500, 300, 300, 200};
        WindowId a = desktop.create("A", a_frame, 11);
        WindowId b = desktop.create("B", b_frame, 22);
        desktop.click(center(FrameMetrics::content_rect(b_frame)));
        QCOMPARE(desktop.compositor->focused_window(), b);
        desktop.take_events();

        desktop.key(Hal::KeyCode::H, true);
        auto events = desktop.take_events();
        QCOMPARE(events.size(), usize(1));
        QCOMPARE(events[0].type, WindowEventType::Key);
        QCOMPARE(events[0].owner, 22u);
        QCOMPARE(events[0].input.character, u32('h'));

        // The pointer goes to the window under it (in content coordinates), not the focused one.
        Rect a_content = FrameMetrics::content_rect(a_frame);
        desktop.move_pointer({a_content.x + 17, a_content.y + 9});
        events = desktop.take_events();
        QCOMPARE(events.size(), usize(1));
        QCOMPARE(events[0].type, WindowEventType::PointerMove);
        QCOMPARE(events[0].window, a);
        QCOMPARE(events[0].position, (Point {17, 9}));

        desktop.click({a_content.x + 17, a_content.y + 9});
        QCOMPARE(desktop.compositor->focused_window(), a);
        desktop.key(Hal::KeyCode::Z, true);
        events = desktop.take_events();
        QVERIFY(!events.empty());
        QCOMPARE(events.back().type, WindowEventType::Key);
        QCOMPARE(events.back().owner, 11u);

        // Clicking the desktop focuses nothing; keys then go nowhere.
        desktop.click({1000, 20});
        QCOMPARE(desktop.compositor->focused_window(), 0u);
        desktop.take_events();
        desktop.key(Hal::KeyCode::Z, true);
        QVERIFY(desktop.take_events().empty());
    }

    void alt_tab_cycles_in_most_recently_used_order()
    {
        Desktop desktop;
        WindowId a = desktop.create("A", {100, 100, 300, 200});
        WindowId b = desktop.create("B", {150, 150, 300, 200});
        WindowId c = desktop.create("C", {200, 200, 300, 200});
        desktop.compositor->focus(a);
        desktop.compositor->focus(b);
        desktop.compositor->focus(c); // Most recent first: C, B, A.
        auto top = [&] { return desktop.compositor->stacking_order()[2]; };

        desktop.key(Hal::KeyCode::LeftAlt, true);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::Tab, false, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::LeftAlt, false);
        QCOMPARE(desktop.compositor->focused_window(), b);
        QCOMPARE(top(), b);

        // Now B, C, A: one Tab goes back to C.
        desktop.key(Hal::KeyCode::LeftAlt, true);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::LeftAlt, false);
        QCOMPARE(desktop.compositor->focused_window(), c);

        // Now C, B, A: two Tabs in one cycle reach A, passing B.
        desktop.key(Hal::KeyCode::LeftAlt, true);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        QCOMPARE(desktop.compositor->focused_window(), b);
        QCOMPARE(top(), b);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        QCOMPARE(desktop.compositor->focused_window(), a);
        QCOMPARE(top(), a);
        desktop.key(Hal::KeyCode::LeftAlt, false);

        // Now A, C, B: Shift+Alt+Tab goes backwards, to the least recent.
        desktop.key(Hal::KeyCode::LeftAlt, true);
        desktop.key(Hal::KeyCode::LeftShift, true, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt | Hal::ModifierShift);
        desktop.key(Hal::KeyCode::LeftShift, false, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::LeftAlt, false);
        QCOMPARE(desktop.compositor->focused_window(), b);

        // Alt+Tab is the compositor's: the focused window's owner never sees the Tab.
        desktop.take_events();
        desktop.key(Hal::KeyCode::LeftAlt, true);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::LeftAlt, false);
        for (auto const& event : desktop.take_events())
            QVERIFY(!(event.type == WindowEventType::Key && event.input.key == Hal::KeyCode::Tab));

        // A minimized window chosen by Alt+Tab comes back.
        WindowId chosen = desktop.compositor->focused_window();
        desktop.compositor->minimize(chosen);
        QVERIFY(desktop.compositor->focused_window() != chosen);
        desktop.key(Hal::KeyCode::LeftAlt, true);
        desktop.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        desktop.key(Hal::KeyCode::LeftAlt, false);
        QCOMPARE(desktop.compositor->focused_window(), chosen);
        QCOMPARE(desktop.window(chosen).state, WindowState::Normal);
    }

    void drag_moves_by_pointer_delta()
    {
        Desktop desktop;
        Rect frame {200, 150, 400, 300};
        WindowId id = desktop.create("A", frame);
        Point grab {frame.x + 60, frame.y + 12};
        QCOMPARE(desktop.compositor->hit_test(grab).zone, HitZone::TitleBar);
        desktop.drag(grab, {grab.x + 137, grab.y - 41}, 5);
        QCOMPARE(desktop.window(id).frame, (Rect {337, 109, 400, 300}));
        QCOMPARE(desktop.window(id).restore_frame, (Rect {337, 109, 400, 300}));
        QCOMPARE(desktop.compositor->focused_window(), id);
        // After the release the pointer moves alone.
        desktop.move_pointer({10, 10});
        QCOMPARE(desktop.window(id).frame, (Rect {337, 109, 400, 300}));
        // The title bar stays reachable: not above the screen, not below it, not off the right.
        desktop.drag({400, 120}, {0, 0});
        QCOMPARE(desktop.window(id).frame.y, 0);
        QCOMPARE(desktop.window(id).frame.x, 337 - 400);
        desktop.drag({20, 10}, {1023, 767});
        QCOMPARE(desktop.window(id).frame.x, 337 - 400 + 1003);
        QCOMPARE(
            desktop.window(id).frame.y, Desktop::height - FrameMetrics::border - FrameMetrics::title_height);
        Rect now = desktop.window(id).frame;
        desktop.drag({now.x + 10, now.y + 10}, {1023, now.y + 10});
        QCOMPARE(desktop.window(id).frame.x, Desktop::width - 48);
    }

    void resize_with_edges_respects_minimum()
    {
        Desktop desktop;
        Rect frame {200, 150, 400, 300};
        WindowId id = desktop.create("A", frame);
        // Bottom-right corner out by (50, 30).
        desktop.drag({frame.right() + 1, frame.bottom() + 1}, {frame.right() + 51, frame.bottom() + 31});
        QCOMPARE(desktop.window(id).frame, (Rect {200, 150, 450, 330}));
        QCOMPARE(desktop.window(id).content_size, FrameMetrics::content_rect({200, 150, 450, 330}).size());

        // Left edge dragged far right: the right edge stays, the width stops at the minimum.
        Size minimum = FrameMetrics::minimum_frame_size();
        desktop.drag({200, 300}, {900, 300});
        QCOMPARE(desktop.window(id).frame, (Rect {650 - minimum.width, 150, minimum.width, 330}));

        // Top-left corner far down-right: both at the minimum, bottom-right corner fixed.
        Rect now = desktop.window(id).frame;
        desktop.drag({now.x - 1, now.y - 1}, {1000, 700});
        QCOMPARE(desktop.window(id).frame,
            (Rect {
                now.right() - minimum.width, now.bottom() - minimum.height, minimum.width, minimum.height}));
        QCOMPARE(desktop.window(id).content_size,
            (Size {FrameMetrics::minimum_content_width, FrameMetrics::minimum_content_height}));
    }

    void maximize_restore_minimize_and_close_buttons()
    {
        Desktop desktop;
        Rect frame {200, 150, 400, 300};
        WindowId id = desktop.create("A", frame, 5);
        desktop.click(center(FrameMetrics::button_rect(frame, 1)));
        QCOMPARE(desktop.window(id).state, WindowState::Maximized);
        Rect full {0, 0, Desktop::width, Desktop::height - FrameMetrics::taskbar_height};
        QCOMPARE(desktop.window(id).frame, full);
        QCOMPARE(desktop.window(id).content_size, FrameMetrics::content_rect(full).size());
        // A maximized window does not move with its title bar.
        desktop.drag({300, 10}, {400, 100});
        QCOMPARE(desktop.window(id).frame, full);

        desktop.click(center(FrameMetrics::button_rect(full, 1)));
        QCOMPARE(desktop.window(id).state, WindowState::Normal);
        QCOMPARE(desktop.window(id).frame, frame);
        QCOMPARE(desktop.window(id).content_size, FrameMetrics::content_rect(frame).size());

        // A press cancelled by moving off the button does nothing.
        desktop.move_pointer(center(FrameMetrics::button_rect(frame, 2)));
        desktop.button(true);
        desktop.move_pointer({10, 10});
        desktop.button(false);
        QCOMPARE(desktop.window(id).state, WindowState::Normal);

        desktop.click(center(FrameMetrics::button_rect(frame, 2)));
        QCOMPARE(desktop.window(id).state, WindowState::Minimized);
        QCOMPARE(desktop.compositor->focused_window(), 0u);
        QVERIFY(!desktop.compositor->restore(id).is_error());
        QCOMPARE(desktop.window(id).state, WindowState::Normal);

        desktop.take_events();
        desktop.click(center(FrameMetrics::button_rect(frame, 0)));
        bool close_requested = false;
        for (auto const& event : desktop.take_events())
            close_requested
                |= event.type == WindowEventType::CloseRequested && event.owner == 5u && event.window == id;
        QVERIFY(close_requested);
        QVERIFY(desktop.store->find(id) != nullptr); // The owner decides.
        desktop.compositor->destroy_window(id);
        QVERIFY(desktop.store->find(id) == nullptr);
        QCOMPARE(desktop.allocator.live, 0);
    }

    void titles_are_cut_at_character_boundaries()
    {
        WindowRecord record;
        std::string title;
        for (int i = 0; i < 100; ++i)
            title += "ж"; // Two bytes each.
        title = "x" + title;
        record.set_title(StringView(title.data(), title.size()));
        QCOMPARE(int(record.title().length()), WindowRecord::title_capacity - 1);
        QCOMPARE(
            u8(record.title().characters_without_null_termination()[record.title().length() - 1]), u8(0xb6));
    }
};

QTEST_APPLESS_MAIN(CompositorManagementTest)
#include "CompositorTest.moc"
