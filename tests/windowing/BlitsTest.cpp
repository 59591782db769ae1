/*
 * tests/windowing/BlitsTest.cpp: windowing.blits — copying a translucent source bitmap with
 * and without alpha and with a global opacity, ours against Cairo's SOURCE and OVER
 * operators painting the same surface.
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

namespace {

// A 64x48 source with every kind of pixel: opaque, translucent, transparent.
void fill_source(Canvas& source)
{
    for (int y = 0; y < source.height(); ++y) {
        for (int x = 0; x < source.width(); ++x) {
            u8 alpha = u8((x * 255) / (source.width() - 1));
            if ((x / 8 + y / 8) % 3 == 0)
                alpha = 255;
            if (y > 40)
                alpha = 0;
            Color color(u8(x * 4), u8(y * 5), u8(255 - x * 3), alpha);
            source.pixels()[usize(y) * source.width() + x] = color.premultiplied();
        }
    }
    cairo_surface_mark_dirty(source.surface());
}

void paint_background(Painter& painter, cairo_t* cr, int width, int height)
{
    for (int y = 0; y < height; y += 16) {
        for (int x = 0; x < width; x += 16) {
            Color color = ((x + y) / 16) % 2 ? Color::from_rgb(0xdddddd) : Color::from_argb(0x80305070);
            painter.clear_rect({x, y, 16, 16}, color);
            set_source(cr, color);
            cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
            cairo_rectangle(cr, x, y, 16, 16);
            cairo_fill(cr);
        }
    }
}

} // namespace

class BlitsTest : public QObject {
    Q_OBJECT

private slots:
    void blits()
    {
        Canvas source(64, 48);
        fill_source(source);
        Bitmap source_bitmap = source.bitmap();
        Canvas ours(240, 180);
        Canvas reference(240, 180);
        Painter painter(ours.bitmap());
        {
            CairoContext cr(reference);
            paint_background(painter, cr, 240, 180);
            struct Blit {
                Point at;
                Rect part;
                BlendMode mode;
                u8 opacity;
            };
            Blit blits[] = {
                {{5, 5}, {0, 0, 64, 48}, BlendMode::Copy, 255},
                {{80, 5}, {0, 0, 64, 48}, BlendMode::SourceOver, 255},
                {{155, 5}, {0, 0, 64, 48}, BlendMode::SourceOver, 128},
                {{5, 70}, {0, 0, 64, 48}, BlendMode::Copy, 100},
                {{80, 70}, {10, 5, 40, 30}, BlendMode::SourceOver, 255},
                {{200, 150}, {0, 0, 64, 48}, BlendMode::SourceOver, 200}, // Clipped by the canvas.
                {{-20, 140}, {0, 0, 64, 48}, BlendMode::Copy, 255},
            };
            for (auto const& blit : blits) {
                painter.blit(blit.at, source_bitmap, blit.part, blit.mode, blit.opacity);
                cairo_save(cr);
                cairo_set_operator(
                    cr, blit.mode == BlendMode::Copy ? CAIRO_OPERATOR_SOURCE : CAIRO_OPERATOR_OVER);
                cairo_rectangle(cr, blit.at.x, blit.at.y, blit.part.width, blit.part.height);
                cairo_clip(cr);
                cairo_set_source_surface(
                    cr, source.surface(), blit.at.x - blit.part.x, blit.at.y - blit.part.y);
                cairo_paint_with_alpha(cr, blit.opacity / 255.0);
                cairo_restore(cr);
            }
        }
        PHANTOM_COMPARE_WITH_CAIRO("blits", ours, reference, exact_tolerance);
    }
};

QTEST_APPLESS_MAIN(BlitsTest)
#include "BlitsTest.moc"
