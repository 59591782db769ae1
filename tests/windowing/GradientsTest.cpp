/*
 * tests/windowing/GradientsTest.cpp: windowing.gradients — vertical and horizontal linear
 * gradients (title bars, wallpaper), opaque and translucent, ours against Cairo's linear
 * patterns spanning the same rects.
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

class GradientsTest : public QObject {
    Q_OBJECT

private slots:
    void linear_gradients()
    {
        struct Gradient {
            Rect rect;
            Color start;
            Color end;
            Orientation orientation;
        };
        Gradient gradients[] = {
            {{0, 0, 300, 200}, Color::from_rgb(0x1d3557), Color::from_rgb(0x457b9d), Orientation::Vertical},
            {{10, 10, 280, 24}, Color::from_rgb(0x4a78b0), Color::from_rgb(0x2a4f7c), Orientation::Vertical},
            {{10, 50, 280, 30}, Color::from_rgb(0xff0000), Color::from_rgb(0x0000ff),
                Orientation::Horizontal},
            {{20, 90, 120, 100}, Color::from_argb(0xff000000), Color::from_argb(0x00000000),
                Orientation::Vertical},
            {{150, 90, 140, 100}, Color::from_argb(0x20ffffff), Color::from_argb(0xc0ffd000),
                Orientation::Horizontal},
            {{-40, 180, 700, 40}, Color::from_rgb(0x000000), Color::from_rgb(0xffffff),
                Orientation::Horizontal},
        };
        Canvas ours(300, 200);
        Canvas reference(300, 200);
        Painter painter(ours.bitmap());
        {
            CairoContext cr(reference);
            for (auto const& gradient : gradients) {
                painter.fill_rect_with_gradient(
                    gradient.rect, gradient.start, gradient.end, gradient.orientation);
                Rect r = gradient.rect;
                cairo_pattern_t* pattern = gradient.orientation == Orientation::Vertical
                    ? cairo_pattern_create_linear(0, r.y, 0, r.bottom())
                    : cairo_pattern_create_linear(r.x, 0, r.right(), 0);
                Color stops[2] = {gradient.start, gradient.end};
                for (int i = 0; i < 2; ++i)
                    cairo_pattern_add_color_stop_rgba(pattern, i, stops[i].red() / 255.0,
                        stops[i].green() / 255.0, stops[i].blue() / 255.0, stops[i].alpha() / 255.0);
                cairo_set_source(cr, pattern);
                cairo_rectangle(cr, r.x, r.y, r.width, r.height);
                cairo_fill(cr);
                cairo_pattern_destroy(pattern);
            }
        }
        PHANTOM_COMPARE_WITH_CAIRO("linear_gradients", ours, reference, exact_tolerance);
    }
};

QTEST_APPLESS_MAIN(GradientsTest)
#include "GradientsTest.moc"
