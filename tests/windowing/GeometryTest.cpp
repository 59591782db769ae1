/*
 * tests/windowing/GeometryTest.cpp: windowing.geometry — Rect and Region against a
 * brute-force model (a set of pixels on a small grid), including the capacity merge.
 */
#include <windowing/Region.h>

#include <QRandomGenerator>
#include <QTest>
#include <vector>

using Windowing::Point;
using Windowing::Rect;
using Windowing::Region;

namespace {

constexpr int grid = 48;

// The pixels of a set, as booleans on a grid x grid board (with an offset to allow negatives).
struct PixelSet {
    std::vector<bool> cells = std::vector<bool>(grid * grid, false);
    void add(Rect rect, bool value)
    {
        for (int y = 0; y < grid; ++y)
            for (int x = 0; x < grid; ++x)
                if (rect.contains(Point {x, y}))
                    cells[y * grid + x] = value;
    }
    void intersect(Rect rect)
    {
        for (int y = 0; y < grid; ++y)
            for (int x = 0; x < grid; ++x)
                if (!rect.contains(Point {x, y}))
                    cells[y * grid + x] = false;
    }
    bool at(int x, int y) const { return cells[y * grid + x]; }
    i64 count() const { return std::count(cells.begin(), cells.end(), true); }
};

Rect random_rect(QRandomGenerator& random)
{
    // Inside the grid, so the model sees every pixel of the region.
    int x = random.bounded(0, grid);
    int y = random.bounded(0, grid);
    return {
        x, y, random.bounded(0, std::min(20, grid - x) + 1), random.bounded(0, std::min(20, grid - y) + 1)};
}

} // namespace

class GeometryTest : public QObject {
    Q_OBJECT

private slots:
    void rect_basics()
    {
        Rect a {10, 20, 30, 40};
        QCOMPARE(a.right(), 40);
        QCOMPARE(a.bottom(), 60);
        QVERIFY(a.contains(Point {10, 20}));
        QVERIFY(!a.contains(Point {40, 20}));
        QVERIFY((a.intersected({30, 50, 100, 100}) == Rect {30, 50, 10, 10}));
        QVERIFY(a.intersected({40, 20, 5, 5}).is_empty());
        QVERIFY((a.united({0, 0, 5, 5}) == Rect {0, 0, 40, 60}));
        QVERIFY((a.united({}) == a));
        QVERIFY(a.contains(Rect {12, 22, 3, 3}));
        QVERIFY(!a.contains(Rect {12, 22, 30, 3}));
    }

    void rect_subtract_matches_pixels()
    {
        QRandomGenerator random(7);
        for (int round = 0; round < 2000; ++round) {
            Rect a = random_rect(random);
            Rect b = random_rect(random);
            auto pieces = a.subtracted(b);
            QVERIFY(pieces.count <= 4);
            for (int y = -4; y < grid + 20; ++y) {
                for (int x = -4; x < grid + 20; ++x) {
                    Point p {x, y};
                    int holders = 0;
                    for (Rect const& piece : pieces)
                        holders += piece.contains(p);
                    bool expected = a.contains(p) && !b.contains(p);
                    QCOMPARE(holders, expected ? 1 : 0);
                }
            }
        }
    }

    void region_matches_pixel_model()
    {
        QRandomGenerator random(42);
        for (int run = 0; run < 200; ++run) {
            Region region;
            PixelSet model;
            for (int step = 0; step < 12; ++step) {
                Rect rect = random_rect(random);
                int operation = random.bounded(0, 10);
                if (operation < 6) {
                    region.add(rect);
                    model.add(rect, true);
                } else if (operation < 9) {
                    region.subtract(rect);
                    model.add(rect, false);
                } else {
                    Rect keep {random.bounded(0, 20), random.bounded(0, 20), 30, 30};
                    region.intersect(keep);
                    model.intersect(keep);
                }
                // The merge never happens with so few rects, so the region is exact.
                QVERIFY(region.is_exact());
                Rect expected_bounds;
                for (int y = 0; y < grid; ++y)
                    for (int x = 0; x < grid; ++x) {
                        QCOMPARE(region.contains(Point {x, y}), model.at(x, y));
                        if (model.at(x, y))
                            expected_bounds = expected_bounds.united({x, y, 1, 1});
                    }
                // Disjoint rects: their areas add up to the pixel count.
                QCOMPARE(region.area(), model.count());
                QVERIFY(region.bounds() == expected_bounds);
            }
        }
    }

    void region_merges_conservatively_past_capacity()
    {
        Region region;
        PixelSet model;
        // A checkerboard of single pixels needs more rects than the region holds.
        for (int y = 0; y < 20; y += 2)
            for (int x = 0; x < 20; x += 2) {
                region.add(Rect {x, y, 1, 1});
                model.add({x, y, 1, 1}, true);
            }
        QVERIFY(region.rect_count() <= Region::capacity);
        QVERIFY(!region.is_exact());
        for (int y = 0; y < grid; ++y)
            for (int x = 0; x < grid; ++x)
                if (model.at(x, y))
                    QVERIFY(region.contains(Point {x, y}));
        QVERIFY((region.bounds() == Rect {0, 0, 19, 19}));
        // Still disjoint after merging.
        i64 pixels = 0;
        for (int y = -2; y < grid; ++y)
            for (int x = -2; x < grid; ++x)
                pixels += region.contains(Point {x, y});
        QCOMPARE(region.area(), pixels);
    }

    void region_coalesces_neighbours()
    {
        Region region;
        for (int x = 0; x < 100; x += 10)
            region.add(Rect {x, 0, 10, 10});
        QCOMPARE(region.rect_count(), 1);
        QVERIFY(region.is_exact());
        QVERIFY((region.rects()[0] == Rect {0, 0, 100, 10}));
    }
};

QTEST_APPLESS_MAIN(GeometryTest)
#include "GeometryTest.moc"
