/*
 * windowing/FontFormat.h: the layout of a baked glyph atlas (".phfont"), shared by the
 * loader (windowing/Font.cpp) and the baker (tools/fontbake). docs/windowing.md describes
 * it in prose. All integers are little-endian; nothing in the file is aligned.
 *
 *   header (64 bytes)      magic "PHFA", version, sizes, CRC32C, metrics, name
 *   glyph table            glyph_count records of 20 bytes, sorted by code point
 *   coverage               8-bit anti-aliased coverage, width * height bytes per glyph,
 *                          row-major, top row first (0 = empty, 255 = fully covered)
 */
#pragma once

#include <base/Types.h>

namespace Windowing::FontFormat {

constexpr u8 magic[4] = {'P', 'H', 'F', 'A'};
constexpr u16 version = 1;
constexpr usize header_size = 64;
constexpr usize glyph_record_size = 20;
constexpr usize max_name_length = 16;
// Sanity limits the loader enforces (a corrupt size must not become a huge loop).
constexpr u32 max_glyph_count = 65536;
constexpr u32 max_glyph_side = 1024;
constexpr u32 max_pixel_size = 512;
constexpr u32 max_code_point = 0x10FFFF;

// Byte offsets of the header fields.
enum HeaderField : usize {
    MagicOffset = 0,                 // u8[4] "PHFA"
    VersionOffset = 4,               // u16
    HeaderSizeOffset = 6,            // u16, 64
    FileSizeOffset = 8,              // u32, size of the whole atlas
    ChecksumOffset = 12,             // u32, CRC32C of bytes [16, file size)
    PixelSizeOffset = 16,            // u16, the font size in pixels (em height)
    FlagsOffset = 18,                // u16, FontFlags
    AscentOffset = 20,               // i16, pixels above the baseline
    DescentOffset = 22,              // i16, pixels below the baseline (positive)
    LineHeightOffset = 24,           // i16, baseline-to-baseline distance
    NameLengthOffset = 26,           // u16, bytes used in the name field
    GlyphCountOffset = 28,           // u32
    GlyphTableOffset = 32,           // u32, from the start of the file
    CoverageOffset = 36,             // u32, from the start of the file
    CoverageSizeOffset = 40,         // u32
    ReplacementCodePointOffset = 44, // u32, drawn for missing characters (0: none)
    NameOffset = 48,                 // char[16], e.g. "DejaVu Sans Bold", not NUL-terminated
};

// Byte offsets inside a glyph record.
enum GlyphField : usize {
    GlyphCodePointOffset = 0,      // u32
    GlyphWidthOffset = 4,          // u16, coverage columns
    GlyphHeightOffset = 6,         // u16, coverage rows
    GlyphLeftOffset = 8,           // i16, left edge of the coverage relative to the pen
    GlyphTopOffset = 10,           // i16, top row relative to the baseline (negative: above)
    GlyphAdvanceOffset = 12,       // i16, pen advance in whole pixels
    GlyphReservedOffset = 14,      // u16, 0
    GlyphCoverageStartOffset = 16, // u32, from the start of the coverage section
};

enum FontFlags : u16 {
    Bold = 1,
    Monospace = 2,
};

} // namespace Windowing::FontFormat
