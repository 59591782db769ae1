// ImageMatching: pixel comparisons for screendumps.
//
// Screens are compared with a per-channel tolerance (a pixel "differs" when any of its
// red, green or blue values differs by more than the tolerance), so that a test can accept
// small rendering differences and still catch a wrong picture. An empty region means the
// whole image; regions are clipped to the image.
#pragma once

#include <QColor>
#include <QImage>
#include <QRect>

#include <optional>

namespace SystemTest {

bool colors_close(QRgb first, QRgb second, int tolerance);

// Pixels that differ beyond `tolerance`; nothing when the sizes differ.
std::optional<qsizetype> count_differing_pixels(
    QImage const& first, QImage const& second, int tolerance, QRect region = {});

struct DominantColor {
    QColor color;
    qsizetype pixels {0};
    double fraction {0}; // of the pixels in the region
};

// The most frequent exact color in the region.
DominantColor dominant_color(QImage const& image, QRect region = {});

// Pixels within `tolerance` of `color`.
qsizetype count_pixels_near(QImage const& image, QColor const& color, int tolerance, QRect region = {});
double fraction_of_pixels_near(QImage const& image, QColor const& color, int tolerance, QRect region = {});

// Colors of the VGA text console that the kernel draws (palette entries 1 and 15).
inline QColor const vga_blue {0, 0, 170};
inline QColor const vga_bright_white {255, 255, 255};

} // namespace SystemTest
