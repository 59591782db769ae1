// ImageMatching: straightforward per-pixel loops over 32-bit RGB images.
#include <tests/system/harness/ImageMatching.h>

#include <QHash>

#include <cstdlib>

namespace SystemTest {

bool colors_close(QRgb first, QRgb second, int tolerance)
{
    return std::abs(qRed(first) - qRed(second)) <= tolerance
        && std::abs(qGreen(first) - qGreen(second)) <= tolerance
        && std::abs(qBlue(first) - qBlue(second)) <= tolerance;
}

static QRect effective_region(QImage const& image, QRect region)
{
    return region.isNull() ? image.rect() : region.intersected(image.rect());
}

static QImage as_rgb32(QImage const& image)
{
    return image.format() == QImage::Format_RGB32 ? image : image.convertToFormat(QImage::Format_RGB32);
}

template<typename Visit> static void for_each_pixel(QImage const& image, QRect region, Visit visit)
{
    for (int y = region.top(); y <= region.bottom(); ++y) {
        auto const* row = reinterpret_cast<QRgb const*>(image.constScanLine(y));
        for (int x = region.left(); x <= region.right(); ++x)
            visit(x, y, row[x]);
    }
}

std::optional<qsizetype> count_differing_pixels(
    QImage const& first, QImage const& second, int tolerance, QRect region)
{
    if (first.size() != second.size())
        return std::nullopt;
    QImage const a = as_rgb32(first);
    QImage const b = as_rgb32(second);
    qsizetype differing = 0;
    for_each_pixel(a, effective_region(a, region), [&](int x, int y, QRgb pixel) {
        auto const* other_row = reinterpret_cast<QRgb const*>(b.constScanLine(y));
        if (!colors_close(pixel, other_row[x], tolerance))
            ++differing;
    });
    return differing;
}

DominantColor dominant_color(QImage const& image, QRect region)
{
    QImage const rgb = as_rgb32(image);
    QRect const area = effective_region(rgb, region);
    QHash<QRgb, qsizetype> histogram;
    for_each_pixel(rgb, area, [&](int, int, QRgb pixel) { ++histogram[pixel & 0x00ffffff]; });

    DominantColor result;
    for (auto it = histogram.cbegin(); it != histogram.cend(); ++it) {
        if (it.value() > result.pixels) {
            result.pixels = it.value();
            result.color = QColor(it.key());
        }
    }
    qsizetype const total = qsizetype(area.width()) * area.height();
    result.fraction = total > 0 ? double(result.pixels) / double(total) : 0.0;
    return result;
}

qsizetype count_pixels_near(QImage const& image, QColor const& color, int tolerance, QRect region)
{
    QImage const rgb = as_rgb32(image);
    QRgb const wanted = color.rgb();
    qsizetype count = 0;
    for_each_pixel(rgb, effective_region(rgb, region), [&](int, int, QRgb pixel) {
        if (colors_close(pixel, wanted, tolerance))
            ++count;
    });
    return count;
}

double fraction_of_pixels_near(QImage const& image, QColor const& color, int tolerance, QRect region)
{
    QRect const area = effective_region(image, region);
    qsizetype const total = qsizetype(area.width()) * area.height();
    return total > 0 ? double(count_pixels_near(image, color, tolerance, region)) / double(total) : 0.0;
}

} // namespace SystemTest
