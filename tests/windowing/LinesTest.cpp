/*
 * tests/windowing/LinesTest.cpp: windowing.lines — anti-aliased lines of several widths and
 * directions, opaque and translucent, ours against Cairo (butt caps).
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <cmath>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

class LinesTest : public QObject {
    Q_OBJECT

private:
    struct Line {
        FloatPoint from;
        FloatPoint to;
        float width;
        Color color;
    };

    static void compare(char const* scene, std::vector<Line> const& lines, Tolerance tolerance)
    {
        Canvas ours(220, 220, 0xffffffff);
        Canvas reference(220, 220, 0xffffffff);
        Painter painter(ours.bitmap());
        {
            CairoContext cr(reference);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
            for (auto const& line : lines) {
                painter.draw_line(line.from, line.to, line.color, line.width);
                set_source(cr, line.color);
                cairo_set_line_width(cr, line.width);
                cairo_move_to(cr, line.from.x, line.from.y);
                cairo_line_to(cr, line.to.x, line.to.y);
                cairo_stroke(cr);
            }
        }
        PHANTOM_COMPARE_WITH_CAIRO(scene, ours, reference, tolerance);
    }

private slots:
    void axis_aligned_lines()
    {
        // On pixel centres and between pixels: coverage is exact for these.
        compare("axis_aligned_lines",
            {
                {{10, 10.5f}, {200, 10.5f}, 1, Color::from_rgb(0x000000)},
                {{10, 20}, {200, 20}, 1, Color::from_rgb(0x000000)},
                {{10.5f, 30}, {10.5f, 200}, 1, Color::from_rgb(0x3050a0)},
                {{30, 30}, {30, 200}, 2, Color::from_rgb(0x3050a0)},
                {{50, 40}, {180, 40}, 3.5f, Color::from_argb(0x80c02020)},
                {{60, 60.25f}, {190, 60.25f}, 6, Color::from_rgb(0x208040)},
            },
            exact_tolerance);
    }

    void diagonal_lines()
    {
        std::vector<Line> lines;
        // A fan of lines at many angles and widths around a centre.
        for (int i = 0; i < 24; ++i) {
            float angle = float(i) * float(M_PI) / 12.0f + 0.1f;
            float width = 1.0f + float(i % 4) * 1.5f;
            FloatPoint from {110 + 20 * std::cos(angle), 110 + 20 * std::sin(angle)};
            FloatPoint to {110 + 100 * std::cos(angle), 110 + 100 * std::sin(angle)};
            Color color
                = (i % 3 == 0) ? Color::from_argb(0x90102080) : Color::from_rgb(u32(0x101010 * (i % 8)));
            lines.push_back({from, to, width, color});
        }
        compare("diagonal_lines", lines, antialiased_tolerance);
    }
};

QTEST_APPLESS_MAIN(LinesTest)
#include "LinesTest.moc"
