/*
 * tests/windowing/ClippingTest.cpp: windowing.clipping — the clip stack and translation:
 * every kind of drawing crossing a clip rect, ours against Cairo with the same clip, and
 * not one pixel outside the clip touched.
 */
#include "PaintTestSupport.h"

#include <QRandomGenerator>
#include <QTest>
#include <windowing/Font.h>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

class ClippingTest : public QObject {
    Q_OBJECT

private:
    // The same scene for both renderers, drawn at (dx, dy) inside `clip`.
    static void draw_ours(Painter& painter, Font const& font)
    {
        painter.fill_rect({-10, -10, 300, 300}, Color::from_argb(0x80ff8000));
        painter.fill_rect_with_gradient(
            {0, 0, 120, 40}, Color::from_rgb(0x4a78b0), Color::from_rgb(0x2a4f7c), Orientation::Vertical);
        painter.fill_rounded_rect({20, 30, 140, 90}, 16, Color::from_rgb(0x208040));
        painter.draw_line(FloatPoint {0, 0}, FloatPoint {200, 150}, Color::from_rgb(0x000000), 3);
        painter.draw_text({5, 60}, "Clipped text Обрезано"sv, font, Color::from_rgb(0xffffff));
    }

    static void draw_cairo(cairo_t* cr, cairo_scaled_font_t* font)
    {
        set_source(cr, Color::from_argb(0x80ff8000));
        cairo_rectangle(cr, -10, -10, 300, 300);
        cairo_fill(cr);
        cairo_pattern_t* pattern = cairo_pattern_create_linear(0, 0, 0, 40);
        cairo_pattern_add_color_stop_rgb(pattern, 0, 0x4a / 255.0, 0x78 / 255.0, 0xb0 / 255.0);
        cairo_pattern_add_color_stop_rgb(pattern, 1, 0x2a / 255.0, 0x4f / 255.0, 0x7c / 255.0);
        cairo_set_source(cr, pattern);
        cairo_rectangle(cr, 0, 0, 120, 40);
        cairo_fill(cr);
        cairo_pattern_destroy(pattern);
        set_source(cr, Color::from_rgb(0x208040));
        double x = 20, y = 30, w = 140, h = 90, r = 16;
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
        cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
        cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
        cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
        cairo_close_path(cr);
        cairo_fill(cr);
        set_source(cr, Color::from_rgb(0x000000));
        cairo_set_line_width(cr, 3);
        cairo_move_to(cr, 0, 0);
        cairo_line_to(cr, 200, 150);
        cairo_stroke(cr);
        set_source(cr, Color::from_rgb(0xffffff));
        cairo_set_scaled_font(cr, font);
        cairo_move_to(cr, 5, 60);
        cairo_show_text(cr, "Clipped text Обрезано");
    }

private slots:
    void clip_and_translate()
    {
        auto font = MUST(load_embedded_font("DejaVu Sans"sv, 13));
        FontBake::CairoFont cairo_font(dejavu_path("DejaVuSans.ttf"), 13);
        QVERIFY(cairo_font.is_valid());
        u32 background = 0xff404040;
        Canvas ours(240, 200, background);
        Canvas reference(240, 200, background);
        Rect clips[] = {{30, 20, 100, 70}, {140, 100, 80, 80}};
        Point offsets[] = {{10, 5}, {120, 90}};
        Painter painter(ours.bitmap());
        {
            CairoContext cr(reference);
            for (int i = 0; i < 2; ++i) {
                painter.save();
                painter.add_clip_rect(clips[i]);
                painter.translate(offsets[i].x, offsets[i].y);
                // A nested clip that is wider than the outer one must not widen it.
                painter.save();
                painter.add_clip_rect({-100, -100, 1000, 1000});
                draw_ours(painter, font);
                painter.restore();
                painter.restore();

                cairo_save(cr);
                cairo_rectangle(cr, clips[i].x, clips[i].y, clips[i].width, clips[i].height);
                cairo_clip(cr);
                cairo_translate(cr, offsets[i].x, offsets[i].y);
                draw_cairo(cr, cairo_font.scaled_font());
                cairo_restore(cr);
            }
            QVERIFY((painter.clip_rect() == Rect {0, 0, 240, 200}));
            QVERIFY((painter.translation() == Point {0, 0}));
        }
        for (int y = 0; y < 200; ++y) {
            for (int x = 0; x < 240; ++x) {
                if (!clips[0].contains(Point {x, y}) && !clips[1].contains(Point {x, y}))
                    QCOMPARE(ours.pixel(x, y), background);
            }
        }
        PHANTOM_COMPARE_WITH_CAIRO("clip_and_translate", ours, reference, antialiased_tolerance);
    }

    void clipped_repaint_equals_full_repaint()
    {
        // What the compositor relies on: repainting a scene clipped to a damaged rect gives
        // exactly the pixels a full repaint gives there, whatever the rect cuts through
        // (gradients, corners, shadow ramps, glyphs, lines, blits), and touches nothing else.
        auto font = MUST(load_embedded_font("DejaVu Sans Bold"sv, 16));
        Canvas source(40, 30, 0x80204060);
        auto scene = [&](Painter& painter) {
            painter.fill_rect_with_gradient({0, 0, 320, 240}, Color::from_rgb(0x1d3557),
                Color::from_rgb(0x457b9d), Orientation::Vertical);
            painter.fill_rect_with_gradient({0, 200, 320, 40}, Color::from_argb(0x20ffffff),
                Color::from_argb(0xc0000000), Orientation::Horizontal);
            painter.draw_shadow({40, 46, 200, 140}, 20, Color::from_argb(0x80000000), {40, 40, 200, 140});
            painter.fill_rounded_rect({40, 40, 200, 140}, 8, Color::from_rgb(0xf4f4f2));
            painter.fill_rounded_rect_with_gradient(
                {40, 40, 200, 28}, 8, Color::from_rgb(0x4a78b0), Color::from_rgb(0x2a4f7c), Corners::Top);
            painter.draw_text({50, 60}, "Заголовок — Title"sv, font, Color::from_rgb(0xffffff));
            painter.draw_line(
                FloatPoint {10.3f, 230.7f}, FloatPoint {300.2f, 12.9f}, Color::from_argb(0xc0e04020), 2.5f);
            painter.blit({200, 150}, source.bitmap(), {0, 0, 40, 30});
            painter.stroke_rect({40, 40, 200, 140}, Color::from_argb(0x40000000));
        };
        Canvas full(320, 240);
        {
            Painter painter(full.bitmap());
            scene(painter);
        }
        QRandomGenerator random(5);
        for (int round = 0; round < 60; ++round) {
            Rect damage {random.bounded(-20, 320), random.bounded(-20, 240), random.bounded(1, 160),
                random.bounded(1, 120)};
            Canvas partial(320, 240, 0xff00ff00);
            Painter painter(partial.bitmap());
            painter.add_clip_rect(damage);
            scene(painter);
            for (int y = 0; y < 240; ++y) {
                for (int x = 0; x < 320; ++x) {
                    u32 expected = damage.contains(Point {x, y}) ? full.pixel(x, y) : 0xff00ff00u;
                    if (partial.pixel(x, y) != expected)
                        QFAIL(qPrintable(QString("damage %1,%2 %3x%4: pixel %5,%6 is %7, full repaint has %8")
                                             .arg(damage.x)
                                             .arg(damage.y)
                                             .arg(damage.width)
                                             .arg(damage.height)
                                             .arg(x)
                                             .arg(y)
                                             .arg(partial.pixel(x, y), 8, 16)
                                             .arg(expected, 8, 16)));
                }
            }
        }
    }
};

QTEST_APPLESS_MAIN(ClippingTest)
#include "ClippingTest.moc"
