/*
 * tests/windowing/TextTest.cpp: windowing.text — text drawn from the baked atlases against
 * Cairo drawing the same UTF-8 string with the same DejaVu file, size and options
 * (tools/fontbake/CairoFont.h): Latin, Latin-1, Cyrillic, every baked face and size,
 * opaque and translucent colours, and text width against Cairo's advance.
 */
#include "PaintTestSupport.h"

#include <QTest>
#include <windowing/Font.h>
#include <windowing/Painter.h>

using namespace PaintTest;
using namespace Windowing;

namespace {

char const* file_for(StringView name)
{
    if (name == "DejaVu Sans Bold"sv)
        return "DejaVuSans-Bold.ttf";
    if (name == "DejaVu Sans Mono"sv)
        return "DejaVuSansMono.ttf";
    return "DejaVuSans.ttf";
}

struct TextLine {
    char const* text;
    Color color;
};

// Draws `lines` in one font with both renderers onto a background gradient and compares.
void compare_text(QString const& scene, EmbeddedFontData const& data, std::vector<TextLine> const& lines)
{
    auto font = MUST(Font::create_from_bytes(data.bytes()));
    FontBake::CairoFont cairo_font(dejavu_path(file_for(StringView(data.name))), data.pixel_size);
    QVERIFY(cairo_font.is_valid());
    int height = int(lines.size()) * font.line_height() + 10;
    Canvas ours(560, height);
    Canvas reference(560, height);
    Painter painter(ours.bitmap());
    CairoContext cr(reference);
    Color top = Color::from_rgb(0xfafafa);
    Color bottom = Color::from_rgb(0xc8d4e0);
    painter.fill_rect_with_gradient({0, 0, 560, height}, top, bottom, Orientation::Vertical);
    cairo_pattern_t* pattern = cairo_pattern_create_linear(0, 0, 0, height);
    cairo_pattern_add_color_stop_rgb(pattern, 0, top.red() / 255.0, top.green() / 255.0, top.blue() / 255.0);
    cairo_pattern_add_color_stop_rgb(
        pattern, 1, bottom.red() / 255.0, bottom.green() / 255.0, bottom.blue() / 255.0);
    cairo_set_source(cr, pattern);
    cairo_paint(cr);
    cairo_pattern_destroy(pattern);
    cairo_set_scaled_font(cr, cairo_font.scaled_font());
    int baseline = 5 + font.ascent();
    for (auto const& line : lines) {
        Point end = painter.draw_text({6, baseline}, StringView(line.text), font, line.color);
        set_source(cr, line.color);
        cairo_move_to(cr, 6, baseline);
        cairo_show_text(cr, line.text);
        // Our measured width is Cairo's advance for the same string.
        cairo_text_extents_t extents;
        cairo_text_extents(cr, line.text, &extents);
        QCOMPARE(end.x - 6, int(extents.x_advance));
        QCOMPARE(font.width(StringView(line.text)), int(extents.x_advance));
        baseline += font.line_height();
    }
    cairo_surface_flush(reference.surface());
    PHANTOM_COMPARE_WITH_CAIRO(scene, ours, reference, text_tolerance);
}

} // namespace

class TextTest : public QObject {
    Q_OBJECT

private slots:
    void latin_text_in_every_atlas()
    {
        for (auto const& data : embedded_font_data()) {
            QString scene
                = QString("latin_%1_%2").arg(QString(data.name).replace(' ', '_')).arg(data.pixel_size);
            compare_text(scene, data,
                {
                    {"The quick brown fox jumps over the lazy dog.", Color::from_rgb(0x101010)},
                    {"0123456789 !@#$%^&*()[]{} <=> +-/ ~`|\\ ;:'\",.?", Color::from_rgb(0x2a4f7c)},
                    {"Déjà vu: façade, naïve, Straße, smørrebrød — «ÀÉÎÕÜ» ±§©®", Color::from_rgb(0xa02020)},
                    {"Translucent text over a gradient", Color::from_argb(0x80000000)},
                });
            if (QTest::currentTestFailed())
                return;
        }
    }

    void cyrillic_text()
    {
        for (auto const& data : embedded_font_data()) {
            if (data.pixel_size != 13 && data.pixel_size != 20 && data.pixel_size != 28)
                continue;
            QString scene
                = QString("cyrillic_%1_%2").arg(QString(data.name).replace(' ', '_')).arg(data.pixel_size);
            compare_text(scene, data,
                {
                    {"Съешь же ещё этих мягких французских булок, да выпей чаю.", Color::from_rgb(0x000000)},
                    {"ЭХ, ЧУЖАК! ОБЩИЙ СЪЁМ ЦЕН ШЛЯП (ЮФТЬ) — ВДРЫЗГ! № 42", Color::from_rgb(0x20603a)},
                    {"Ґанок, Їжак, Єнот, Ўсё, Ђорђе, Љубав, Ћуприја", Color::from_argb(0xc0602080)},
                });
            if (QTest::currentTestFailed())
                return;
        }
    }

    void missing_characters_draw_the_replacement_glyph()
    {
        auto font = MUST(load_embedded_font("DejaVu Sans"sv, 16));
        Canvas first(80, 30);
        Canvas second(80, 30);
        Painter a(first.bitmap());
        Painter b(second.bitmap());
        a.draw_text({2, 20}, "中"sv, font, Color::from_rgb(0));
        b.draw_text({2, 20}, "\xEF\xBF\xBD"sv, font, Color::from_rgb(0));
        QVERIFY(first.pixels() == second.pixels());
        QVERIFY(
            std::any_of(first.pixels().begin(), first.pixels().end(), [](u32 pixel) { return pixel != 0; }));
    }
};

QTEST_APPLESS_MAIN(TextTest)
#include "TextTest.moc"
