/*
 * tools/fontbake/main.cpp: phantom-fontbake, the host tool that bakes DejaVu Sans, DejaVu
 * Sans Bold and DejaVu Sans Mono into Phantom glyph atlases (windowing/FontFormat.h) with
 * Cairo + FreeType, and writes a .cpp embedding them for the image.
 *
 *   phantom-fontbake --fonts /usr/share/fonts/truetype/dejavu --output DIR [--embed FILE.cpp]
 *   phantom-fontbake --list          # the atlases it would write
 *
 * Each glyph is rendered by Cairo exactly as cairo_show_text() renders it (same scaled font,
 * see CairoFont.h, whole-pixel origin), then trimmed to its inked box; so text drawn from
 * the atlas by windowing's Painter matches Cairo's text at whole-pixel pen positions.
 */
#include <base/Crc32c.h>
#include <tools/fontbake/CairoFont.h>
#include <windowing/FontFormat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace Windowing::FontFormat;

struct AtlasSpec {
    char const* name; // Family name stored in the atlas.
    char const* file; // TrueType file in the fonts directory.
    char const* stem; // Output file stem.
    std::vector<int> sizes;
    u16 flags;
};

std::vector<AtlasSpec> const& atlas_specs()
{
    static std::vector<AtlasSpec> const specs = {
        {"DejaVu Sans", "DejaVuSans.ttf", "dejavu-sans", {11, 13, 16, 20, 28}, 0},
        {"DejaVu Sans Bold", "DejaVuSans-Bold.ttf", "dejavu-sans-bold", {11, 13, 16, 20}, Bold},
        {"DejaVu Sans Mono", "DejaVuSansMono.ttf", "dejavu-sans-mono", {11, 13, 16}, Monospace},
    };
    return specs;
}

// ASCII, Latin-1, Cyrillic and the punctuation a desktop needs (dashes, quotes, ellipsis,
// bullet, euro, numero sign, replacement character).
std::vector<u32> code_points()
{
    std::vector<u32> result;
    for (u32 c = 0x20; c <= 0x7E; ++c)
        result.push_back(c);
    for (u32 c = 0xA0; c <= 0xFF; ++c)
        result.push_back(c);
    for (u32 c = 0x400; c <= 0x4FF; ++c)
        result.push_back(c);
    for (u32 c : {0x2013u, 0x2014u, 0x2018u, 0x2019u, 0x201Cu, 0x201Du, 0x201Eu, 0x2022u, 0x2026u, 0x20ACu,
             0x2116u, 0x2190u, 0x2191u, 0x2192u, 0x2193u, 0x2713u, 0xFFFDu})
        result.push_back(c);
    return result;
}

struct BakedGlyph {
    u32 code_point;
    int width;
    int height;
    int left;
    int top;
    int advance;
    std::vector<u8> coverage;
};

void put_u16(std::vector<u8>& out, usize at, u16 value)
{
    out[at] = u8(value);
    out[at + 1] = u8(value >> 8);
}

void put_u32(std::vector<u8>& out, usize at, u32 value)
{
    for (int i = 0; i < 4; ++i)
        out[at + i] = u8(value >> (8 * i));
}

// Renders one glyph with Cairo into an A8 surface and trims it to the inked pixels.
bool bake_glyph(FontBake::CairoFont const& font, u32 code_point, BakedGlyph& glyph)
{
    FT_UInt index = FT_Get_Char_Index(font.face(), code_point);
    if (index == 0)
        return false;
    cairo_glyph_t cairo_glyph {index, 0, 0};
    cairo_text_extents_t extents;
    cairo_scaled_font_glyph_extents(font.scaled_font(), &cairo_glyph, 1, &extents);
    glyph = {code_point, 0, 0, 0, 0, int(std::lround(extents.x_advance)), {}};
    if (extents.width <= 0 || extents.height <= 0)
        return true;
    // The inked box with a pixel of margin: hinting may move ink slightly past the extents.
    int left = int(std::floor(extents.x_bearing)) - 2;
    int top = int(std::floor(extents.y_bearing)) - 2;
    int right = int(std::ceil(extents.x_bearing + extents.width)) + 2;
    int bottom = int(std::ceil(extents.y_bearing + extents.height)) + 2;
    int width = right - left;
    int height = bottom - top;
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_A8, width, height);
    cairo_t* cr = cairo_create(surface);
    cairo_set_scaled_font(cr, font.scaled_font());
    cairo_set_source_rgba(cr, 0, 0, 0, 1);
    cairo_glyph.x = -left;
    cairo_glyph.y = -top;
    cairo_show_glyphs(cr, &cairo_glyph, 1);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    unsigned char const* pixels = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    int min_x = width, min_y = height, max_x = -1, max_y = -1;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            if (pixels[y * stride + x] == 0)
                continue;
            min_x = std::min(min_x, x);
            max_x = std::max(max_x, x);
            min_y = std::min(min_y, y);
            max_y = std::max(max_y, y);
        }
    }
    if (max_x >= 0) {
        glyph.width = max_x - min_x + 1;
        glyph.height = max_y - min_y + 1;
        glyph.left = left + min_x;
        glyph.top = top + min_y;
        for (int y = min_y; y <= max_y; ++y)
            for (int x = min_x; x <= max_x; ++x)
                glyph.coverage.push_back(pixels[y * stride + x]);
    }
    cairo_surface_destroy(surface);
    return true;
}

// One atlas as bytes, or an empty vector (with a message) when the font cannot be opened.
std::vector<u8> bake_atlas(std::string const& path, AtlasSpec const& spec, int pixel_size)
{
    FontBake::CairoFont font(path, pixel_size);
    if (!font.is_valid()) {
        std::fprintf(stderr, "phantom-fontbake: cannot open %s (install fonts-dejavu-core)\n", path.c_str());
        return {};
    }
    cairo_font_extents_t font_extents;
    cairo_scaled_font_extents(font.scaled_font(), &font_extents);

    std::vector<BakedGlyph> glyphs;
    bool has_replacement = false;
    for (u32 code_point : code_points()) {
        BakedGlyph glyph;
        if (!bake_glyph(font, code_point, glyph))
            continue;
        has_replacement |= code_point == 0xFFFD;
        glyphs.push_back(std::move(glyph));
    }

    usize name_length = std::strlen(spec.name);
    usize table_offset = header_size;
    usize coverage_offset = table_offset + glyphs.size() * glyph_record_size;
    usize coverage_size = 0;
    for (auto const& glyph : glyphs)
        coverage_size += glyph.coverage.size();
    std::vector<u8> out(coverage_offset + coverage_size, 0);

    std::memcpy(out.data() + MagicOffset, magic, sizeof(magic));
    put_u16(out, VersionOffset, version);
    put_u16(out, HeaderSizeOffset, u16(header_size));
    put_u32(out, FileSizeOffset, u32(out.size()));
    put_u16(out, PixelSizeOffset, u16(pixel_size));
    put_u16(out, FlagsOffset, spec.flags);
    put_u16(out, AscentOffset, u16(i16(std::lround(font_extents.ascent))));
    put_u16(out, DescentOffset, u16(i16(std::lround(font_extents.descent))));
    put_u16(out, LineHeightOffset, u16(i16(std::lround(font_extents.height))));
    put_u16(out, NameLengthOffset, u16(name_length));
    put_u32(out, GlyphCountOffset, u32(glyphs.size()));
    put_u32(out, GlyphTableOffset, u32(table_offset));
    put_u32(out, CoverageOffset, u32(coverage_offset));
    put_u32(out, CoverageSizeOffset, u32(coverage_size));
    put_u32(out, ReplacementCodePointOffset, has_replacement ? 0xFFFD : u32('?'));
    std::memcpy(out.data() + NameOffset, spec.name, name_length);

    usize coverage_cursor = 0;
    for (usize i = 0; i < glyphs.size(); ++i) {
        auto const& glyph = glyphs[i];
        usize record = table_offset + i * glyph_record_size;
        put_u32(out, record + GlyphCodePointOffset, glyph.code_point);
        put_u16(out, record + GlyphWidthOffset, u16(glyph.width));
        put_u16(out, record + GlyphHeightOffset, u16(glyph.height));
        put_u16(out, record + GlyphLeftOffset, u16(i16(glyph.left)));
        put_u16(out, record + GlyphTopOffset, u16(i16(glyph.top)));
        put_u16(out, record + GlyphAdvanceOffset, u16(i16(glyph.advance)));
        put_u32(out, record + GlyphCoverageStartOffset, u32(coverage_cursor));
        std::memcpy(
            out.data() + coverage_offset + coverage_cursor, glyph.coverage.data(), glyph.coverage.size());
        coverage_cursor += glyph.coverage.size();
    }
    u32 checksum = Base::crc32c(ReadonlyBytes(out.data() + PixelSizeOffset, out.size() - PixelSizeOffset));
    put_u32(out, ChecksumOffset, checksum);
    return out;
}

std::string atlas_file_name(AtlasSpec const& spec, int size)
{
    return std::string(spec.stem) + "-" + std::to_string(size) + ".phfont";
}

bool write_file(std::string const& path, std::string const& text)
{
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream << text;
    return bool(stream);
}

struct Baked {
    AtlasSpec const* spec;
    int size;
    std::vector<u8> bytes;
};

// The .cpp defining Windowing::embedded_font_data() over string literals of the atlas bytes
// (they compile much faster than brace lists of numbers).
std::string embedding_source(std::vector<Baked> const& atlases)
{
    std::string source = "// Generated by phantom-fontbake (tools/fontbake) from DejaVu; do not edit.\n"
                         "#include <windowing/EmbeddedFonts.h>\n\nnamespace Windowing {\n\nnamespace {\n\n";
    char buffer[8];
    for (usize i = 0; i < atlases.size(); ++i) {
        source += "// " + atlas_file_name(*atlases[i].spec, atlases[i].size) + "\n";
        source += "alignas(8) constexpr char atlas_" + std::to_string(i) + "[] =\n";
        auto const& bytes = atlases[i].bytes;
        for (usize at = 0; at < bytes.size(); at += 64) {
            source += "    \"";
            for (usize j = at; j < std::min(bytes.size(), at + 64); ++j) {
                std::snprintf(buffer, sizeof(buffer), "\\x%02x", bytes[j]);
                source += buffer;
            }
            source += "\"\n";
        }
        source += "    ;\n\n";
    }
    source += "constexpr EmbeddedFontData atlases[] = {\n";
    for (usize i = 0; i < atlases.size(); ++i) {
        std::string index = std::to_string(i);
        source += "    {\"" + std::string(atlases[i].spec->name) + "\", " + std::to_string(atlases[i].size)
            + ", atlas_" + index + ", sizeof(atlas_" + index + ") - 1},\n";
    }
    source
        += "};\n\n} // namespace\n\nSpan<EmbeddedFontData const> embedded_font_data() { return atlases; }\n\n"
           "} // namespace Windowing\n";
    return source;
}

int usage()
{
    std::fprintf(stderr,
        "usage: phantom-fontbake --fonts DEJAVU_DIR --output DIR [--embed FILE.cpp]\n"
        "       phantom-fontbake --list\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::string fonts_directory;
    std::string output_directory;
    std::string embed_path;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--list") {
            for (auto const& spec : atlas_specs())
                for (int size : spec.sizes)
                    std::printf("%s\n", atlas_file_name(spec, size).c_str());
            return 0;
        }
        if (i + 1 >= argc)
            return usage();
        if (argument == "--fonts")
            fonts_directory = argv[++i];
        else if (argument == "--output")
            output_directory = argv[++i];
        else if (argument == "--embed")
            embed_path = argv[++i];
        else
            return usage();
    }
    if (fonts_directory.empty() || output_directory.empty())
        return usage();
    std::error_code error;
    std::filesystem::create_directories(output_directory, error);
    if (error) {
        std::fprintf(stderr, "phantom-fontbake: cannot create %s\n", output_directory.c_str());
        return 1;
    }

    std::vector<Baked> atlases;
    usize total = 0;
    for (auto const& spec : atlas_specs()) {
        for (int size : spec.sizes) {
            auto bytes = bake_atlas(fonts_directory + "/" + spec.file, spec, size);
            if (bytes.empty())
                return 1;
            std::string path = output_directory + "/" + atlas_file_name(spec, size);
            if (!write_file(path, std::string(bytes.begin(), bytes.end()))) {
                std::fprintf(stderr, "phantom-fontbake: cannot write %s\n", path.c_str());
                return 1;
            }
            total += bytes.size();
            atlases.push_back({&spec, size, std::move(bytes)});
        }
    }
    if (!embed_path.empty() && !write_file(embed_path, embedding_source(atlases))) {
        std::fprintf(stderr, "phantom-fontbake: cannot write %s\n", embed_path.c_str());
        return 1;
    }
    std::printf(
        "phantom-fontbake: %zu atlases, %zu bytes, in %s\n", atlases.size(), total, output_directory.c_str());
    return 0;
}
