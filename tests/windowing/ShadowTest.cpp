/*
 * tests/windowing/ShadowTest.cpp: windowing.shadow — the soft drop shadow. Cairo has no blur,
 * so the reference is the definition itself: the rect's pixel mask blurred by two box passes
 * of half-width radius/2 along x and along y, computed naively, then composited over the
 * background by Cairo with that mask.
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

namespace {

// One box pass of half-width `half` over a row or column (zero outside).
std::vector<double> box_blur(std::vector<double> const& values, int half)
{
    std::vector<double> result(values.size(), 0);
    for (int i = 0; i < int(values.size()); ++i) {
        double sum = 0;
        for (int j = i - half; j <= i + half; ++j)
            if (j >= 0 && j < int(values.size()))
                sum += values[j];
        result[i] = sum / (2 * half + 1);
    }
    return result;
}

} // namespace

class ShadowTest : public QObject {
    Q_OBJECT

private slots:
    void shadow_matches_blurred_mask()
    {
        int const width = 200;
        int const height = 160;
        struct Shadow {
            Rect rect;
            int radius;
            Color color;
        };
        Shadow shadows[] = {
            {{30, 30, 100, 70}, 16, Color::from_argb(0x80000000)},
            {{120, 90, 60, 50}, 8, Color::from_argb(0xff203040)},
            {{10, 120, 12, 12}, 20, Color::from_argb(0xc0000000)}, // Smaller than its blur.
        };
        Canvas ours(width, height, 0xffeeeeee);
        Canvas reference(width, height, 0xffeeeeee);
        Painter painter(ours.bitmap());
        for (auto const& shadow : shadows) {
            painter.draw_shadow(shadow.rect, shadow.radius, shadow.color);
            // The reference mask, separable: blur the row profile and the column profile.
            std::vector<double> columns(width, 0);
            std::vector<double> rows(height, 0);
            for (int x = shadow.rect.left(); x < shadow.rect.right(); ++x)
                columns[x] = 1;
            for (int y = shadow.rect.top(); y < shadow.rect.bottom(); ++y)
                rows[y] = 1;
            int half = shadow.radius / 2;
            columns = box_blur(box_blur(columns, half), half);
            rows = box_blur(box_blur(rows, half), half);
            Canvas mask(width, height);
            for (int y = 0; y < height; ++y)
                for (int x = 0; x < width; ++x)
                    mask.pixels()[usize(y) * width + x] = u32(columns[x] * rows[y] * 255 + 0.5) << 24;
            cairo_surface_mark_dirty(mask.surface());
            CairoContext cr(reference);
            set_source(cr, shadow.color);
            cairo_mask_surface(cr, mask.surface(), 0, 0);
        }
        // The ramp is sampled in float on our side and double on the reference side.
        PHANTOM_COMPARE_WITH_CAIRO("shadow", ours, reference, (Tolerance {3, 0.1}));
        // And it is soft: a pixel just outside the rect is partly shaded, one far away is not.
        QVERIFY(ours.pixel(29, 60) != 0xffeeeeee);
        QVERIFY(ours.pixel(29, 60) != ours.pixel(31, 60));
        QCOMPARE(ours.pixel(5, 5), 0xffeeeeeeu);
    }

    void covered_pixels_are_skipped()
    {
        Rect window {40, 30, 100, 60};
        Rect shadow = window.translated(0, 6);
        Canvas full(200, 140, 0xffeeeeee);
        Canvas skipping(200, 140, 0xffeeeeee);
        Painter(full.bitmap()).draw_shadow(shadow, 20, Color::from_argb(0x90000000));
        Painter(skipping.bitmap()).draw_shadow(shadow, 20, Color::from_argb(0x90000000), window);
        for (int y = 0; y < 140; ++y) {
            for (int x = 0; x < 200; ++x) {
                if (window.contains(Point {x, y}))
                    QCOMPARE(skipping.pixel(x, y), 0xffeeeeeeu);
                else
                    QCOMPARE(skipping.pixel(x, y), full.pixel(x, y));
            }
        }
    }
};

QTEST_APPLESS_MAIN(ShadowTest)
#include "ShadowTest.moc"
