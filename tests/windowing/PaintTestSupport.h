/*
 * tests/windowing/PaintTestSupport.h: what the Cairo comparison tests share — a Canvas (one
 * ARGB32 buffer seen both as a Windowing::Bitmap and as a Cairo image surface), colour
 * conversion for Cairo, the embedded fonts, and compare_canvases(), which checks two
 * renderings against a stated Tolerance and, on failure, writes ours, Cairo's and an
 * amplified difference image as PNGs and names the folder in the failure message.
 */
#pragma once

#include <tools/fontbake/CairoFont.h>
#include <windowing/Bitmap.h>
#include <windowing/Color.h>
#include <windowing/EmbeddedFonts.h>

#include <QDir>
#include <QString>
#include <cairo.h>
#include <cstdlib>
#include <vector>

namespace PaintTest {

using Windowing::Bitmap;
using Windowing::Color;

// DejaVu files as installed by fonts-dejavu-core; the same the build baked.
inline std::string dejavu_path(char const* file) { return std::string(PHANTOM_DEJAVU_DIRECTORY "/") + file; }

class Canvas {
public:
    Canvas(int width, int height, u32 fill = 0)
        : m_width(width)
        , m_height(height)
        , m_pixels(usize(width) * height, fill)
    {
        m_surface = cairo_image_surface_create_for_data(
            reinterpret_cast<unsigned char*>(m_pixels.data()), CAIRO_FORMAT_ARGB32, width, height, width * 4);
    }
    ~Canvas() { cairo_surface_destroy(m_surface); }
    Canvas(Canvas const&) = delete;
    Canvas& operator=(Canvas const&) = delete;

    int width() const { return m_width; }
    int height() const { return m_height; }
    Bitmap bitmap() { return Bitmap(m_pixels.data(), m_width, m_height, m_width * 4); }
    cairo_surface_t* surface() const { return m_surface; }
    u32 pixel(int x, int y) const { return m_pixels[usize(y) * m_width + x]; }
    std::vector<u32>& pixels() { return m_pixels; }
    // Call after drawing with Cairo and before reading pixels.
    void flush() { cairo_surface_flush(m_surface); }

private:
    int m_width;
    int m_height;
    std::vector<u32> m_pixels;
    cairo_surface_t* m_surface;
};

// A Cairo context drawing into a canvas; destroyed (and flushed) at scope end.
class CairoContext {
public:
    explicit CairoContext(Canvas& canvas)
        : m_canvas(canvas)
        , m_cr(cairo_create(canvas.surface()))
    { }
    ~CairoContext()
    {
        cairo_destroy(m_cr);
        m_canvas.flush();
    }
    operator cairo_t*() const { return m_cr; }

private:
    Canvas& m_canvas;
    cairo_t* m_cr;
};

inline void set_source(cairo_t* cr, Color color)
{
    cairo_set_source_rgba(
        cr, color.red() / 255.0, color.green() / 255.0, color.blue() / 255.0, color.alpha() / 255.0);
}

// The stated tolerance of a scene: no channel of any pixel differs by more than
// max_channel_difference (0..255), and the mean absolute channel difference over the whole
// canvas is at most mean_difference.
struct Tolerance {
    int max_channel_difference;
    double mean_difference;
};

// Exact operations (fills, blends, blits, gradients): the same arithmetic, so only the
// rounding of Cairo's colour conversion (double -> 16 bit -> 8 bit) differs.
constexpr Tolerance exact_tolerance {2, 0.25};
// Anti-aliased geometry (rounded corners, lines): our coverage is the exact area of the pixel
// on the inner side of the edge taken as straight (its tangent), Cairo's comes from its scan
// converter's subsample grid; edge pixels may differ by up to 24 of 255, and the mean stays
// small because everything else is identical.
constexpr Tolerance antialiased_tolerance {24, 0.25};
// Text from the atlas: the same glyph images, composited like Cairo (overlapping glyphs'
// coverages summed, then blended once), so only rounding may differ.
constexpr Tolerance text_tolerance {2, 0.01};

struct Difference {
    int max_channel_difference {0};
    double mean_difference {0};
    int differing_pixels {0};
};

inline Difference measure_difference(Canvas const& ours, Canvas const& reference)
{
    Difference result;
    double total = 0;
    for (int y = 0; y < ours.height(); ++y) {
        for (int x = 0; x < ours.width(); ++x) {
            u32 a = ours.pixel(x, y);
            u32 b = reference.pixel(x, y);
            bool differs = false;
            for (int shift = 0; shift < 32; shift += 8) {
                int difference = std::abs(int((a >> shift) & 0xff) - int((b >> shift) & 0xff));
                result.max_channel_difference = std::max(result.max_channel_difference, difference);
                total += difference;
                differs |= difference != 0;
            }
            result.differing_pixels += differs;
        }
    }
    result.mean_difference = total / (4.0 * ours.width() * ours.height());
    return result;
}

// Writes ours.png, cairo.png and difference.png (|ours - cairo| times 8, opaque) into
// <temp>/phantom-windowing-failures/<scene>/ and returns that folder.
inline QString write_failure_images(QString const& scene, Canvas& ours, Canvas& reference)
{
    QString folder = QDir::tempPath() + "/phantom-windowing-failures/" + scene;
    QDir().mkpath(folder);
    Canvas difference(ours.width(), ours.height());
    for (int y = 0; y < ours.height(); ++y) {
        for (int x = 0; x < ours.width(); ++x) {
            u32 a = ours.pixel(x, y);
            u32 b = reference.pixel(x, y);
            u32 out = 0xff000000;
            for (int shift = 0; shift < 24; shift += 8) {
                int channel = std::abs(int((a >> shift) & 0xff) - int((b >> shift) & 0xff));
                int alpha = std::abs(int(a >> 24) - int(b >> 24));
                out |= u32(std::min(255, std::max(channel, alpha) * 8)) << shift;
            }
            difference.pixels()[usize(y) * ours.width() + x] = out;
        }
    }
    difference.flush();
    cairo_surface_mark_dirty(ours.surface());
    cairo_surface_mark_dirty(difference.surface());
    cairo_surface_write_to_png(ours.surface(), (folder + "/ours.png").toLocal8Bit().constData());
    cairo_surface_write_to_png(reference.surface(), (folder + "/cairo.png").toLocal8Bit().constData());
    cairo_surface_write_to_png(difference.surface(), (folder + "/difference.png").toLocal8Bit().constData());
    return folder;
}

// Empty when the renderings match within `tolerance`; otherwise a message with the measured
// numbers and the folder holding the images.
inline QString compare_canvases(QString const& scene, Canvas& ours, Canvas& reference, Tolerance tolerance)
{
    Difference difference = measure_difference(ours, reference);
    bool matches = difference.max_channel_difference <= tolerance.max_channel_difference
        && difference.mean_difference <= tolerance.mean_difference;
    if (std::getenv("PHANTOM_PAINT_TEST_VERBOSE"))
        qInfo("%s: max %d, mean %.4f, %d pixels differ", qPrintable(scene), difference.max_channel_difference,
            difference.mean_difference, difference.differing_pixels);
    if (matches)
        return {};
    QString folder = write_failure_images(scene, ours, reference);
    return QString(
        "scene %1 differs from Cairo: max channel difference %2 (allowed %3), mean %4 (allowed %5), "
        "%6 pixels differ; images in %7")
        .arg(scene)
        .arg(difference.max_channel_difference)
        .arg(tolerance.max_channel_difference)
        .arg(difference.mean_difference, 0, 'f', 4)
        .arg(tolerance.mean_difference)
        .arg(difference.differing_pixels)
        .arg(folder);
}

#define PHANTOM_COMPARE_WITH_CAIRO(scene, ours, reference, tolerance)                                        \
    do {                                                                                                     \
        QString phantom_message = PaintTest::compare_canvases(scene, ours, reference, tolerance);            \
        QVERIFY2(phantom_message.isEmpty(), qPrintable(phantom_message));                                    \
    } while (false)

} // namespace PaintTest
