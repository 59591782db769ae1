/*
 * tests/windowing/RobustnessTest.cpp: windowing.robustness — window geometry comes from
 * Phantom programs, so the Painter must survive any numbers: extreme and negative rects,
 * NaN and infinite line ends, huge radii, empty clips, a deep save stack. Nothing may be
 * drawn outside the clip and nothing may crash.
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <climits>
#include <cmath>
#include <windowing/Font.h>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

class RobustnessTest : public QObject {
    Q_OBJECT

private:
    // Every operation with the given rect and point.
    static void draw_everything(
        Painter& painter, Font const& font, Bitmap const& source, Rect rect, Point point)
    {
        Color color = Color::from_argb(0x80ff0000);
        painter.fill_rect(rect, color);
        painter.fill_rect(rect, Color::from_rgb(0x00ff00));
        painter.clear_rect(rect, color);
        painter.stroke_rect(rect, color, INT_MAX);
        painter.stroke_rect(rect, color, 3);
        painter.fill_rounded_rect(rect, INT_MAX, color);
        painter.fill_rounded_rect(rect, -5, color);
        painter.fill_rect_with_gradient(rect, color, Color::from_rgb(0), Orientation::Vertical);
        painter.fill_rect_with_gradient(rect, color, Color::from_rgb(0), Orientation::Horizontal);
        painter.draw_shadow(rect, INT_MAX, color);
        painter.draw_shadow(rect, INT_MIN, color);
        painter.blit(point, source, rect, BlendMode::SourceOver, 200);
        painter.blit(point, source, {INT_MIN, INT_MIN, INT_MAX, INT_MAX}, BlendMode::Copy, 255);
        painter.draw_text(point, "Привет \xff\xfe"sv, font, color);
        painter.draw_line(point, Point {rect.x, rect.y}, color, INT_MAX);
        painter.draw_line(FloatPoint {float(point.x), float(point.y)}, FloatPoint {1e30f, -1e30f}, color, 2);
    }

private slots:
    void hostile_numbers_do_not_escape_the_clip()
    {
        auto font = MUST(load_embedded_font("DejaVu Sans"sv, 13));
        Canvas source_canvas(16, 16, 0x80402010);
        Bitmap source = source_canvas.bitmap();
        Canvas canvas(64, 64, 0xff123456);
        Painter painter(canvas.bitmap());
        Rect clip {16, 16, 32, 32};
        painter.add_clip_rect(clip);
        Rect rects[] = {{INT_MAX, INT_MAX, INT_MAX, INT_MAX}, {INT_MIN, INT_MIN, INT_MAX, INT_MAX},
            {INT_MIN, 0, INT_MAX, 10}, {0, 0, -100, -100}, {-1000000000, -1000000000, 2000000000, 2000000000},
            {20, 20, 10, 10}, {0, 0, 0, 0}};
        Point points[] = {{INT_MAX, INT_MAX}, {INT_MIN, INT_MIN}, {20, 30}};
        for (Rect rect : rects) {
            for (Point point : points) {
                draw_everything(painter, font, source, rect, point);
                painter.save();
                painter.translate(INT_MAX, INT_MIN);
                draw_everything(painter, font, source, rect, point);
                painter.translate(INT_MAX, INT_MAX);
                draw_everything(painter, font, source, rect, point);
                painter.restore();
            }
        }
        float nan = std::nanf("");
        float infinity = INFINITY;
        painter.draw_line(FloatPoint {nan, 0}, FloatPoint {10, 10}, Color::from_rgb(0), 1);
        painter.draw_line(FloatPoint {0, 0}, FloatPoint {infinity, 10}, Color::from_rgb(0), 1);
        painter.draw_line(FloatPoint {0, 0}, FloatPoint {40, 40}, Color::from_rgb(0), nan);
        bool inside_changed = false;
        for (int y = 0; y < 64; ++y) {
            for (int x = 0; x < 64; ++x) {
                if (!clip.contains(Point {x, y}))
                    QCOMPARE(canvas.pixel(x, y), 0xff123456u);
                else
                    inside_changed |= canvas.pixel(x, y) != 0xff123456u;
            }
        }
        // The sane rect {20, 20, 10, 10} did draw.
        QVERIFY(inside_changed);
    }

    void empty_clip_draws_nothing()
    {
        auto font = MUST(load_embedded_font("DejaVu Sans Mono"sv, 11));
        Canvas source_canvas(8, 8, 0xffffffff);
        Bitmap source = source_canvas.bitmap();
        Canvas canvas(32, 32, 0xff000000);
        Painter painter(canvas.bitmap());
        painter.add_clip_rect({100, 100, 10, 10});
        QVERIFY(painter.clip_rect().is_empty());
        draw_everything(painter, font, source, {0, 0, 32, 32}, {5, 20});
        for (u32 pixel : canvas.pixels())
            QCOMPARE(pixel, 0xff000000u);
    }

    void save_stack_round_trips()
    {
        Canvas canvas(32, 32);
        Painter painter(canvas.bitmap());
        for (int i = 0; i < Painter::max_saved_states; ++i) {
            painter.save();
            painter.translate(1, 1);
            painter.add_clip_rect({0, 0, 31 - i, 31 - i});
        }
        QCOMPARE(painter.translation().x, Painter::max_saved_states);
        for (int i = 0; i < Painter::max_saved_states; ++i)
            painter.restore();
        QVERIFY((painter.clip_rect() == Rect {0, 0, 32, 32}));
        QVERIFY((painter.translation() == Point {0, 0}));
    }
};

QTEST_APPLESS_MAIN(RobustnessTest)
#include "RobustnessTest.moc"
