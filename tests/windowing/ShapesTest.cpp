/*
 * tests/windowing/ShapesTest.cpp: windowing.shapes — solid and translucent rect fills,
 * stroked rects and anti-aliased rounded rects, ours against Cairo.
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

namespace {

void cairo_rounded_rect(cairo_t* cr, Rect rect, double radius)
{
    double x = rect.x, y = rect.y, w = rect.width, h = rect.height;
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - radius, y + radius, radius, -M_PI / 2, 0);
    cairo_arc(cr, x + w - radius, y + h - radius, radius, 0, M_PI / 2);
    cairo_arc(cr, x + radius, y + h - radius, radius, M_PI / 2, M_PI);
    cairo_arc(cr, x + radius, y + radius, radius, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

} // namespace

class ShapesTest : public QObject {
    Q_OBJECT

private slots:
    void rect_fills_and_alpha_blending()
    {
        struct Fill {
            Rect rect;
            Color color;
        };
        Fill fills[] = {
            {{0, 0, 200, 150}, Color::from_rgb(0xf4f1ea)},
            {{10, 10, 80, 60}, Color::from_rgb(0x2a4f7c)},
            {{50, 40, 100, 70}, Color::from_argb(0x80d04030)},
            {{30, 70, 60, 60}, Color::from_argb(0x4000a000)},
            {{120, 5, 70, 140}, Color::from_argb(0xc0ffffff)},
            {{100, 100, 90, 40}, Color::from_argb(0x10000000)},
            {{-20, 130, 60, 60}, Color::from_argb(0xfe123456)},
        };
        Canvas ours(200, 150);
        Painter painter(ours.bitmap());
        for (auto const& fill : fills)
            painter.fill_rect(fill.rect, fill.color);
        Canvas reference(200, 150);
        {
            CairoContext cr(reference);
            for (auto const& fill : fills) {
                set_source(cr, fill.color);
                cairo_rectangle(cr, fill.rect.x, fill.rect.y, fill.rect.width, fill.rect.height);
                cairo_fill(cr);
            }
        }
        PHANTOM_COMPARE_WITH_CAIRO("rect_fills", ours, reference, exact_tolerance);
    }

    void translucent_layers_on_transparent_canvas()
    {
        // Premultiplied arithmetic is only visible on a non-opaque destination.
        Canvas ours(120, 120);
        Canvas reference(120, 120);
        Painter painter(ours.bitmap());
        CairoContext cr(reference);
        for (int i = 0; i < 8; ++i) {
            Rect rect {i * 10, i * 8, 50, 50};
            Color color(u8(30 * i), u8(255 - 20 * i), u8(90 + 15 * i), u8(40 + 25 * i));
            painter.fill_rect(rect, color);
            set_source(cr, color);
            cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height);
            cairo_fill(cr);
        }
        cairo_surface_flush(reference.surface());
        PHANTOM_COMPARE_WITH_CAIRO("translucent_layers", ours, reference, exact_tolerance);
    }

    void stroked_rects()
    {
        Canvas ours(160, 120, 0xffffffff);
        Canvas reference(160, 120, 0xffffffff);
        Painter painter(ours.bitmap());
        CairoContext cr(reference);
        struct Stroke {
            Rect rect;
            int thickness;
            Color color;
        };
        Stroke strokes[] = {
            {{5, 5, 60, 40}, 1, Color::from_rgb(0x000000)},
            {{20, 20, 100, 80}, 3, Color::from_rgb(0x3060c0)},
            {{80, 10, 70, 100}, 2, Color::from_argb(0x80c03030)},
        };
        for (auto const& stroke : strokes) {
            painter.stroke_rect(stroke.rect, stroke.color, stroke.thickness);
            // Cairo strokes the path through the middle of the frame.
            double inset = stroke.thickness / 2.0;
            set_source(cr, stroke.color);
            cairo_set_line_width(cr, stroke.thickness);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
            cairo_rectangle(cr, stroke.rect.x + inset, stroke.rect.y + inset, stroke.rect.width - 2 * inset,
                stroke.rect.height - 2 * inset);
            cairo_stroke(cr);
        }
        cairo_surface_flush(reference.surface());
        PHANTOM_COMPARE_WITH_CAIRO("stroked_rects", ours, reference, exact_tolerance);
    }

    void title_bars_with_round_top_corners()
    {
        Canvas ours(240, 140, 0xff303030);
        Canvas reference(240, 140, 0xff303030);
        Painter painter(ours.bitmap());
        Color top = Color::from_rgb(0x4a78b0);
        Color bottom = Color::from_rgb(0x2a4f7c);
        {
            CairoContext cr(reference);
            // A window body with round bottom corners under a title bar with round top ones.
            Rect title {20, 20, 200, 28};
            Rect body {20, 48, 200, 80};
            painter.fill_rounded_rect_with_gradient(title, 8, top, bottom, Corners::Top);
            painter.fill_rounded_rect(body, 8, Color::from_argb(0xf0f4f4f2), Corners::Bottom);
            double r = 8;
            cairo_new_sub_path(cr);
            cairo_arc(cr, title.right() - r, title.y + r, r, -M_PI / 2, 0);
            cairo_line_to(cr, title.right(), title.bottom());
            cairo_line_to(cr, title.x, title.bottom());
            cairo_arc(cr, title.x + r, title.y + r, r, M_PI, 3 * M_PI / 2);
            cairo_close_path(cr);
            cairo_pattern_t* pattern = cairo_pattern_create_linear(0, title.y, 0, title.bottom());
            cairo_pattern_add_color_stop_rgb(
                pattern, 0, top.red() / 255.0, top.green() / 255.0, top.blue() / 255.0);
            cairo_pattern_add_color_stop_rgb(
                pattern, 1, bottom.red() / 255.0, bottom.green() / 255.0, bottom.blue() / 255.0);
            cairo_set_source(cr, pattern);
            cairo_fill(cr);
            cairo_pattern_destroy(pattern);
            cairo_move_to(cr, body.x, body.y);
            cairo_line_to(cr, body.right(), body.y);
            cairo_arc(cr, body.right() - r, body.bottom() - r, r, 0, M_PI / 2);
            cairo_arc(cr, body.x + r, body.bottom() - r, r, M_PI / 2, M_PI);
            cairo_close_path(cr);
            set_source(cr, Color::from_argb(0xf0f4f4f2));
            cairo_fill(cr);
        }
        PHANTOM_COMPARE_WITH_CAIRO("title_bars", ours, reference, antialiased_tolerance);
    }

    void rounded_rects()
    {
        Canvas ours(260, 200, 0xffe8e8e8);
        Canvas reference(260, 200, 0xffe8e8e8);
        Painter painter(ours.bitmap());
        CairoContext cr(reference);
        struct Shape {
            Rect rect;
            int radius;
            Color color;
        };
        Shape shapes[] = {
            {{10, 10, 100, 60}, 4, Color::from_rgb(0x204080)},
            {{130, 10, 120, 80}, 12, Color::from_rgb(0xd06020)},
            {{10, 90, 110, 100}, 30, Color::from_argb(0xa0208040)},
            {{60, 60, 150, 70}, 8, Color::from_argb(0x60000000)},
            {{150, 110, 90, 80}, 40, Color::from_rgb(0x7030a0)}, // A full half-circle end.
        };
        for (auto const& shape : shapes) {
            painter.fill_rounded_rect(shape.rect, shape.radius, shape.color);
            set_source(cr, shape.color);
            cairo_rounded_rect(cr, shape.rect, shape.radius);
            cairo_fill(cr);
        }
        cairo_surface_flush(reference.surface());
        PHANTOM_COMPARE_WITH_CAIRO("rounded_rects", ours, reference, antialiased_tolerance);
    }
};

QTEST_APPLESS_MAIN(ShapesTest)
#include "ShapesTest.moc"
