// windowing.compositor_frames: what the Compositor puts on the screen. A long sequence of
// mouse and keyboard operations composed damaged-only, one frame per input event, must end
// pixel for pixel equal to a full repaint; a drag step repaints far less than the screen;
// and a desktop with three windows is drawn as expected. With
// PHANTOM_COMPOSITOR_SCREENSHOT=<file.png> that desktop is also saved (the repository keeps
// it as docs/images/compositor-hosted.png).
#include "CompositorTestSupport.h"
#include <cstring>
#include <windowing/Painter.h>

using namespace CompositorTest;

namespace {

Font const& font(char const* name, int size)
{
    // A few fonts for the whole run; the atlases are static data.
    static std::vector<std::pair<std::string, std::unique_ptr<Font>>> cache;
    std::string key = std::string(name) + std::to_string(size);
    for (auto& [cached_key, cached_font] : cache) {
        if (cached_key == key)
            return *cached_font;
    }
    auto loaded = MUST(load_embedded_font(StringView(name, std::strlen(name)), size));
    cache.emplace_back(key, std::make_unique<Font>(loaded));
    return *cache.back().second;
}

StringView text_view(char const* text) { return StringView(text, std::strlen(text)); }

void draw_notepad(Bitmap content)
{
    Painter painter(content);
    painter.clear_rect(content.rect(), Color::from_rgb(0xffffff));
    painter.fill_rect({0, 0, content.width(), 26}, Color::from_rgb(0xeef1f5));
    painter.fill_rect({0, 26, content.width(), 1}, Color::from_rgb(0xd5dae1));
    Font const& menu = font("DejaVu Sans", 13);
    int x = 10;
    for (char const* item : {"File", "Edit", "View", "Help"})
        x = painter.draw_text({x, 18}, text_view(item), menu, Color::from_rgb(0x30353c)).x + 16;
    Font const& mono = font("DejaVu Sans Mono", 13);
    char const* lines[] = {
        "Phantom keeps this text alive across power cuts.",
        "No file, no save button: the notepad object is",
        "simply there again after a restart.",
        "",
        "Съешь же ещё этих мягких французских булок,",
        "да выпей чаю.",
        "",
        "Next: snapshot every 2 s, pause < 5 ms",
    };
    int y = 48;
    for (char const* line : lines) {
        painter.draw_text({12, y}, text_view(line), mono, Color::from_rgb(0x1e2329));
        y += mono.line_height();
    }
    // The text cursor after the last line.
    painter.fill_rect({12 + mono.width(text_view(lines[7])), y - mono.line_height() - mono.ascent() + 2, 2,
                          mono.ascent() + 2},
        Color::from_rgb(0x2c5a94));
}

void draw_calculator(Bitmap content)
{
    Painter painter(content);
    painter.clear_rect(content.rect(), Color::from_rgb(0xe9ecf0));
    Rect display {10, 10, content.width() - 20, 54};
    painter.fill_rounded_rect(display, 6, Color::from_rgb(0x22303f));
    Font const& big = font("DejaVu Sans", 28);
    Font const& small = font("DejaVu Sans", 13);
    painter.draw_text({display.x + 10, display.y + 19}, "12 × 12 ="sv, small, Color::from_rgb(0x9fb3c8));
    int width = big.width("144"sv);
    painter.draw_text(
        {display.right() - 12 - width, display.bottom() - 10}, "144"sv, big, Color::from_rgb(0xffffff));
    char const* keys[] = {"7", "8", "9", "÷", "4", "5", "6", "×", "1", "2", "3", "-", "0", ".", "=", "+"};
    Font const& key_font = font("DejaVu Sans Bold", 16);
    int columns = 4;
    int gap = 8;
    int key_width = (content.width() - 20 - gap * (columns - 1)) / columns;
    int key_height = (content.height() - display.bottom() - 20 - gap * 3) / 4;
    for (int index = 0; index < 16; ++index) {
        Rect key {10 + (index % columns) * (key_width + gap),
            display.bottom() + 10 + (index / columns) * (key_height + gap), key_width, key_height};
        bool operation = index % columns == 3 || index == 14;
        painter.fill_rounded_rect(key.translated(0, 1), 5, Color::from_argb(0x30000000));
        painter.fill_rounded_rect(key, 5, operation ? Color::from_rgb(0x3d77b8) : Color::from_rgb(0xffffff));
        StringView label = text_view(keys[index]);
        painter.draw_text({key.x + (key.width - key_font.width(label)) / 2, key.y + key.height / 2 + 6},
            label, key_font, operation ? Color::from_rgb(0xffffff) : Color::from_rgb(0x27303a));
    }
}

void draw_paint(Bitmap content)
{
    Painter painter(content);
    painter.clear_rect(content.rect(), Color::from_rgb(0xfdfcf8));
    // A palette down the left, then strokes on the canvas.
    Color const palette[] = {Color::from_rgb(0xe63946), Color::from_rgb(0xf4a261), Color::from_rgb(0xe9c46a),
        Color::from_rgb(0x2a9d8f), Color::from_rgb(0x457b9d), Color::from_rgb(0x1d3557)};
    painter.fill_rect({0, 0, 44, content.height()}, Color::from_rgb(0xeef1f5));
    for (int index = 0; index < 6; ++index)
        painter.fill_rounded_rect({10, 12 + index * 32, 24, 24}, 12, palette[index]);
    painter.fill_rounded_rect({70, 40, 150, 110}, 18, palette[4].with_alpha(200));
    painter.fill_rounded_rect({150, 90, 120, 120}, 60, palette[0].with_alpha(190));
    painter.fill_rect_with_gradient({230, 30, 120, 70}, palette[2], palette[1], Orientation::Horizontal);
    for (int i = 0; i < 5; ++i) {
        painter.draw_line(FloatPoint {70.0f, 200.0f + i * 9}, FloatPoint {330.0f, 150.0f + i * 14},
            palette[(i + 3) % 6], 3.0f);
    }
}

// A desktop of three windows with real-looking content: notepad focused on top.
struct ThreeWindows {
    explicit ThreeWindows(Desktop& desktop)
    {
        paint = desktop.create("Paint — sketch", {560, 70, 400, 300}, 3);
        calculator = desktop.create("Calculator", {70, 150, 290, 340}, 2);
        notepad = desktop.create("Notepad — заметки.txt", {380, 260, 480, 300}, 1);
        draw_paint(desktop.window(paint).content());
        draw_calculator(desktop.window(calculator).content());
        draw_notepad(desktop.window(notepad).content());
        desktop.compositor->focus(calculator);
        desktop.compositor->focus(paint);
        desktop.compositor->focus(notepad);
    }
    WindowId paint;
    WindowId calculator;
    WindowId notepad;
};

// Every input event is followed by a frame, as in the real loop.
struct FramePerEvent {
    Desktop& desktop;
    i64 composed_pixels {0};
    int frames {0};

    void frame()
    {
        desktop.presented.clear();
        if (desktop.compositor->compose())
            ++frames;
        for (Rect const& rect : desktop.presented)
            composed_pixels += rect.area();
        desktop.take_events();
    }
    void move(Point point)
    {
        desktop.move_pointer(point);
        frame();
    }
    void button(bool pressed)
    {
        desktop.button(pressed);
        frame();
    }
    void drag(Point from, Point to, int steps)
    {
        move(from);
        button(true);
        for (int step = 1; step <= steps; ++step)
            move({from.x + (to.x - from.x) * step / steps, from.y + (to.y - from.y) * step / steps});
        button(false);
    }
    void click(Point point)
    {
        move(point);
        button(true);
        button(false);
    }
    void key(Hal::KeyCode code, bool pressed, Hal::Modifiers modifiers = 0)
    {
        desktop.key(code, pressed, modifiers);
        frame();
    }
};

// Repaints everything and checks that the damaged-only frames had left exactly that on the
// screen. The full repaint replaces the screen, so the next phase starts from a correct one.
void verify_against_full(Desktop& desktop, char const* phase)
{
    std::vector<u32> damaged_only = desktop.canvas.pixels();
    desktop.compositor->compose_everything();
    std::vector<u32> const& full = desktop.canvas.pixels();
    int differing = 0;
    int first_x = -1;
    int first_y = -1;
    for (usize i = 0; i < full.size(); ++i) {
        if (full[i] != damaged_only[i] && differing++ == 0) {
            first_x = int(i % Desktop::width);
            first_y = int(i / Desktop::width);
        }
    }
    QVERIFY2(differing == 0,
        qPrintable(QString("after %1: %2 pixels differ, the first at (%3, %4)")
                       .arg(phase)
                       .arg(differing)
                       .arg(first_x)
                       .arg(first_y)));
}

} // namespace

// Stops the test at the first phase that went wrong.
#define VERIFY_AGAINST_FULL(phase)                                                                           \
    do {                                                                                                     \
        verify_against_full(desktop, phase);                                                                 \
        if (QTest::currentTestFailed())                                                                      \
            return;                                                                                          \
    } while (false)

class CompositorFrameTest : public QObject {
    Q_OBJECT

private slots:
    void damaged_frames_equal_a_full_repaint()
    {
        Desktop desktop;
        ThreeWindows windows(desktop);
        FramePerEvent run {desktop};
        run.frame();
        QCOMPARE(run.composed_pixels, i64(Desktop::width) * Desktop::height);

        auto frame_of = [&](WindowId id) { return desktop.window(id).frame; };
        // Drag the notepad by its title bar.
        Rect notepad = frame_of(windows.notepad);
        run.composed_pixels = 0;
        run.drag({notepad.x + 80, notepad.y + 14}, {notepad.x + 20, notepad.y + 140}, 12);
        QCOMPARE(frame_of(windows.notepad).location(), (Point {notepad.x - 60, notepad.y + 126}));
        i64 drag_pixels = run.composed_pixels;
        VERIFY_AGAINST_FULL("the drag");
        // Raise the calculator with a click into its content (left of the notepad).
        run.click({frame_of(windows.calculator).x + 30, frame_of(windows.calculator).y + 200});
        QCOMPARE(desktop.compositor->stacking_order()[2], windows.calculator);
        VERIFY_AGAINST_FULL("the raise");
        // Resize the paint window by its top-right corner.
        Rect paint = frame_of(windows.paint);
        run.drag({paint.right() + 1, paint.y - 1}, {paint.right() + 31, paint.y - 41}, 8);
        QCOMPARE(
            frame_of(windows.paint), (Rect {paint.x, paint.y - 40, paint.width + 30, paint.height + 40}));
        draw_paint(desktop.window(windows.paint).content());
        desktop.compositor->invalidate_content(windows.paint, desktop.window(windows.paint).content().rect());
        run.frame();
        VERIFY_AGAINST_FULL("the resize");
        // Hover the calculator's close button, then leave it.
        Rect close = FrameMetrics::button_rect(frame_of(windows.calculator), 0);
        run.move(center(close));
        VERIFY_AGAINST_FULL("the hover");
        run.move({close.x - 30, close.y + 200});
        // Maximize and restore the notepad through its button, minimize the paint window.
        run.click(center(FrameMetrics::button_rect(frame_of(windows.notepad), 1)));
        QCOMPARE(desktop.window(windows.notepad).state, WindowState::Maximized);
        VERIFY_AGAINST_FULL("maximize");
        run.click(center(FrameMetrics::button_rect(frame_of(windows.notepad), 1)));
        QCOMPARE(desktop.window(windows.notepad).state, WindowState::Normal);
        VERIFY_AGAINST_FULL("restore");
        run.click(center(FrameMetrics::button_rect(frame_of(windows.paint), 2)));
        QCOMPARE(desktop.window(windows.paint).state, WindowState::Minimized);
        VERIFY_AGAINST_FULL("minimize");
        // Alt+Tab twice in one cycle, a content update, a title change, a pointer trip.
        run.key(Hal::KeyCode::LeftAlt, true);
        run.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        run.key(Hal::KeyCode::Tab, true, Hal::ModifierAlt);
        run.key(Hal::KeyCode::LeftAlt, false);
        VERIFY_AGAINST_FULL("Alt+Tab");
        Painter(desktop.window(windows.calculator).content())
            .fill_rect({20, 100, 50, 30}, Color::from_rgb(0xff8800));
        desktop.compositor->invalidate_content(windows.calculator, {20, 100, 50, 30});
        desktop.compositor->set_title(windows.notepad, "Notepad — renamed"sv);
        run.frame();
        VERIFY_AGAINST_FULL("content and title updates");
        for (int step = 0; step < 20; ++step)
            run.move({900 - step * 41, 40 + step * 33});
        QVERIFY(run.frames > 40);

        VERIFY_AGAINST_FULL("the pointer trip");

        // A drag step repaints about twice the window's area, far from the whole screen.
        i64 per_step = drag_pixels / 14;
        QVERIFY2(per_step < i64(Desktop::width) * Desktop::height / 2, qPrintable(QString::number(per_step)));
        QVERIFY(per_step > notepad.area());
    }

    void desktop_with_three_windows()
    {
        Desktop desktop;
        ThreeWindows windows(desktop);
        desktop.move_pointer({700, 600});
        desktop.compositor->compose();
        Bitmap screen = desktop.canvas.bitmap();

        // Content is shown 1:1 where nothing covers it.
        Rect notepad = FrameMetrics::content_rect(desktop.window(windows.notepad).frame);
        QCOMPARE(screen.pixel(notepad.x + 300, notepad.y + 250),
            desktop.window(windows.notepad).content().pixel(300, 250));
        // The focused title bar is blue, the others grey.
        Color focused = Color::from_premultiplied(screen.pixel(notepad.x + 200, notepad.y - 4));
        QVERIFY(focused.blue() > focused.red() + 60);
        Rect paint_title = FrameMetrics::title_bar_rect(desktop.window(windows.paint).frame);
        Color other = Color::from_premultiplied(screen.pixel(paint_title.right() - 120, paint_title.y + 20));
        QVERIFY(std::abs(int(other.blue()) - int(other.red())) < 30 && other.red() > 150);
        // The wallpaper at the top left, darker than at the bottom; a shadow under a window.
        Color top = Color::from_premultiplied(screen.pixel(2, 2));
        Color bottom = Color::from_premultiplied(screen.pixel(2, Desktop::height - 2));
        QVERIFY(top.blue() < bottom.blue());
        Rect calculator = desktop.window(windows.calculator).frame;
        Color under = Color::from_premultiplied(screen.pixel(calculator.x + 100, calculator.bottom() + 3));
        Color beside = Color::from_premultiplied(screen.pixel(calculator.x + 100, calculator.bottom() + 30));
        QVERIFY(under.blue() + 10 < beside.blue());
        // The pointer: black outline, white inside.
        QCOMPARE(screen.pixel(700, 600), 0xff000000u);
        QCOMPARE(screen.pixel(702, 605), 0xffffffffu);

        if (char const* path = std::getenv("PHANTOM_COMPOSITOR_SCREENSHOT")) {
            cairo_surface_mark_dirty(desktop.canvas.surface());
            QCOMPARE(cairo_surface_write_to_png(desktop.canvas.surface(), path), CAIRO_STATUS_SUCCESS);
            qInfo("wrote %s", path);
        }
    }
};

QTEST_APPLESS_MAIN(CompositorFrameTest)
#include "CompositorFrameTest.moc"
