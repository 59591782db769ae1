/*
 * tests/windowing/FontTest.cpp: windowing.font — the embedded atlases load and hold the
 * promised characters; truncated, corrupted and malformed-but-checksummed atlases are
 * rejected with an error (never a crash); UTF-8 decoding, including broken input.
 */
#include <base/Crc32c.h>
#include <windowing/EmbeddedFonts.h>
#include <windowing/FontFormat.h>
#include <windowing/Utf8.h>

#include <QRandomGenerator>
#include <QTest>
#include <vector>

using namespace Windowing;

namespace {

std::vector<u8> atlas_copy(char const* name, int size)
{
    for (auto const& font : embedded_font_data()) {
        if (font.pixel_size == size && StringView(font.name) == StringView(name))
            return std::vector<u8>(font.bytes().begin(), font.bytes().end());
    }
    return {};
}

void put_u32(std::vector<u8>& bytes, usize at, u32 value)
{
    for (int i = 0; i < 4; ++i)
        bytes[at + i] = u8(value >> (8 * i));
}

// Rewrites the checksum so only the structural checks can catch a change.
void reseal(std::vector<u8>& bytes)
{
    using namespace FontFormat;
    put_u32(bytes, ChecksumOffset,
        crc32c(ReadonlyBytes(bytes.data() + PixelSizeOffset, bytes.size() - PixelSizeOffset)));
}

std::vector<u32> decode(StringView text)
{
    std::vector<u32> result;
    Utf8Decoder decoder(text);
    while (auto code_point = decoder.next())
        result.push_back(*code_point);
    return result;
}

} // namespace

class FontTest : public QObject {
    Q_OBJECT

private slots:
    void every_embedded_atlas_loads()
    {
        QVERIFY(embedded_font_data().size() >= 12);
        for (auto const& data : embedded_font_data()) {
            auto font_or_error = Font::create_from_bytes(data.bytes());
            QVERIFY2(!font_or_error.is_error(), data.name);
            Font const& font = font_or_error.value();
            QCOMPARE(font.pixel_size(), data.pixel_size);
            QVERIFY(font.name() == StringView(data.name));
            QVERIFY(font.ascent() > 0 && font.descent() > 0);
            // Hinted metrics round each up, so the sum may pass the line height a little.
            QVERIFY(font.line_height() >= font.pixel_size());
            QVERIFY(font.ascent() + font.descent() <= font.line_height() + 3);
            // ASCII, Latin-1 and Cyrillic, as promised.
            for (u32 code_point : {u32('A'), u32('g'), 0xE9u, 0xDFu, 0x416u, 0x44Fu, 0x451u, 0x2116u}) {
                auto glyph = font.glyph(code_point);
                QVERIFY2(glyph.has_value(),
                    qPrintable(QString("U+%1 in %2").arg(code_point, 4, 16).arg(data.name)));
                QVERIFY(glyph->advance > 0);
                QVERIFY(glyph->width > 0 && glyph->height > 0);
                int inked = 0;
                for (int i = 0; i < glyph->width * glyph->height; ++i)
                    inked += glyph->coverage[i] != 0;
                QVERIFY(inked > 0);
                // The glyph sits around the baseline, inside the font's ascent and descent.
                QVERIFY(glyph->top >= -font.ascent() - 2);
                QVERIFY(glyph->top + glyph->height <= font.descent() + 2);
            }
            QVERIFY(font.glyph(' ').has_value());
            QCOMPARE(font.glyph(' ')->width, 0);
        }
    }

    void lookup_and_measure()
    {
        auto font = MUST(load_embedded_font("DejaVu Sans"sv, 13));
        int advance_a = font.glyph('A')->advance;
        QCOMPARE(font.width("AAAA"sv), 4 * advance_a);
        // A missing character draws as the replacement glyph.
        QVERIFY(!font.glyph(0x4E2D).has_value());
        QCOMPARE(font.glyph_or_replacement(0x4E2D).code_point, 0xFFFDu);
        auto mono = MUST(load_embedded_font("DejaVu Sans Mono"sv, 13));
        QVERIFY(mono.is_monospace());
        int cell = mono.glyph('m')->advance;
        for (u32 c = 0x21; c < 0x7F; ++c)
            QCOMPARE(mono.glyph(c)->advance, cell);
        QCOMPARE(mono.width("Ёлка"sv), 4 * cell);
        auto missing = load_embedded_font("Comic Sans"sv, 13);
        QVERIFY(missing.is_error());
        QVERIFY(missing.error() == ErrorCode::NotFound);
    }

    void truncated_atlases_are_rejected()
    {
        auto bytes = atlas_copy("DejaVu Sans", 11);
        QVERIFY(!bytes.empty());
        QRandomGenerator random(3);
        std::vector<usize> lengths {0, 1, 4, 16, 63, 64, 65, bytes.size() - 1};
        for (int i = 0; i < 200; ++i)
            lengths.push_back(random.bounded(quint32(bytes.size())));
        for (usize length : lengths) {
            auto result = Font::create_from_bytes(ReadonlyBytes(bytes.data(), length));
            QVERIFY2(result.is_error(), qPrintable(QString("length %1").arg(length)));
        }
    }

    void corrupted_atlases_are_rejected()
    {
        auto original = atlas_copy("DejaVu Sans Mono", 13);
        QVERIFY(!original.empty());
        QVERIFY(!Font::create_from_bytes(ReadonlyBytes(original.data(), original.size())).is_error());
        QRandomGenerator random(11);
        for (int i = 0; i < 500; ++i) {
            auto bytes = original;
            usize at = i < 64 ? usize(i) : random.bounded(quint32(bytes.size()));
            bytes[at] ^= u8(1 + random.bounded(255));
            auto result = Font::create_from_bytes(ReadonlyBytes(bytes.data(), bytes.size()));
            QVERIFY2(result.is_error(), qPrintable(QString("byte %1").arg(at)));
        }
    }

    void malformed_atlases_with_valid_checksums_are_rejected()
    {
        using namespace FontFormat;
        auto original = atlas_copy("DejaVu Sans", 13);
        auto expect_rejected = [&](auto change, char const* what) {
            auto bytes = original;
            change(bytes);
            reseal(bytes);
            auto result = Font::create_from_bytes(ReadonlyBytes(bytes.data(), bytes.size()));
            QVERIFY2(result.is_error(), what);
            QVERIFY2(
                result.error() == ErrorCode::InvalidFormat || result.error() == ErrorCode::Unsupported, what);
        };
        expect_rejected([](auto& b) { put_u32(b, GlyphCountOffset, 0xFFFFFFFF); }, "huge glyph count");
        expect_rejected([](auto& b) { put_u32(b, GlyphCountOffset, 60000); }, "glyph table past the end");
        expect_rejected([](auto& b) { put_u32(b, GlyphTableOffset, 8); }, "glyph table inside the header");
        expect_rejected([](auto& b) { put_u32(b, CoverageSizeOffset, 0xFFFFFFF0); }, "coverage past the end");
        expect_rejected(
            [](auto& b) { b[PixelSizeOffset] = 0, b[PixelSizeOffset + 1] = 0; }, "zero pixel size");
        expect_rejected([](auto& b) { b[VersionOffset] = 9; }, "future version");
        expect_rejected([](auto& b) { put_u32(b, header_size + GlyphCoverageStartOffset, 0xFFFFFF00); },
            "glyph coverage out of bounds");
        expect_rejected([](auto& b) { b[header_size + GlyphWidthOffset + 1] = 0x7f; }, "giant glyph");
        expect_rejected(
            [](auto& b) { put_u32(b, header_size + glyph_record_size, 0x10); }, "unsorted glyphs");
        expect_rejected(
            [](auto& b) { put_u32(b, ReplacementCodePointOffset, 0x4E2D); }, "missing replacement");
    }

    void utf8_decoding()
    {
        QVERIFY((decode("Az"sv) == std::vector<u32> {'A', 'z'}));
        QVERIFY((decode("Жё€"sv) == std::vector<u32> {0x416, 0x451, 0x20AC}));
        QVERIFY((decode("\xF0\x9F\x98\x80"sv) == std::vector<u32> {0x1F600}));
        u32 bad = Utf8Decoder::replacement_character;
        // A stray continuation byte, a truncated sequence, an overlong '/', a surrogate.
        QVERIFY((decode("a\x80z"sv) == std::vector<u32> {'a', bad, 'z'}));
        QVERIFY((decode("\xD0"sv) == std::vector<u32> {bad}));
        QVERIFY((decode("\xC0\xAF"sv) == std::vector<u32> {bad, bad}));
        QVERIFY((decode("\xED\xA0\x80!"sv) == std::vector<u32> {bad, bad, bad, '!'}));
    }
};

QTEST_APPLESS_MAIN(FontTest)
#include "FontTest.moc"
