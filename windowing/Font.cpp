/*
 * windowing/Font.cpp: validation and glyph lookup for baked atlases (see Font.h and
 * FontFormat.h).
 */
#include <base/Crc32c.h>
#include <windowing/Font.h>
#include <windowing/FontFormat.h>
#include <windowing/Utf8.h>

namespace Windowing {

namespace {

    u16 read_u16(u8 const* at) { return u16(at[0] | (at[1] << 8)); }
    i16 read_i16(u8 const* at) { return i16(read_u16(at)); }
    u32 read_u32(u8 const* at)
    {
        return u32(at[0]) | (u32(at[1]) << 8) | (u32(at[2]) << 16) | (u32(at[3]) << 24);
    }

} // namespace

ErrorOr<Font> Font::create_from_bytes(ReadonlyBytes bytes)
{
    using namespace FontFormat;
    if (bytes.size() < header_size)
        return Error::with_message(ErrorCode::EndOfData, "The font atlas is shorter than its header."sv);
    u8 const* data = bytes.data();
    if (__builtin_memcmp(data, magic, sizeof(magic)) != 0)
        return Error::with_message(
            ErrorCode::InvalidFormat, "This is not a Phantom font atlas (bad magic)."sv);
    if (read_u16(data + VersionOffset) != version)
        return Error::with_message(
            ErrorCode::Unsupported, "The font atlas has an unsupported version; rebake it."sv);
    if (read_u16(data + HeaderSizeOffset) != header_size)
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas header has the wrong size."sv);
    u32 file_size = read_u32(data + FileSizeOffset);
    if (file_size > bytes.size())
        return Error::with_message(ErrorCode::EndOfData, "The font atlas is truncated."sv);
    if (file_size < header_size)
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas declares an impossible size."sv);
    u32 checksum = crc32c(ReadonlyBytes(data + PixelSizeOffset, file_size - PixelSizeOffset));
    if (checksum != read_u32(data + ChecksumOffset))
        return Error::with_message(
            ErrorCode::Corrupted, "The font atlas failed its checksum; it is damaged."sv);

    Font font;
    font.m_data = ReadonlyBytes(data, file_size);
    font.m_pixel_size = read_u16(data + PixelSizeOffset);
    u16 flags = read_u16(data + FlagsOffset);
    font.m_bold = flags & Bold;
    font.m_monospace = flags & Monospace;
    font.m_ascent = read_i16(data + AscentOffset);
    font.m_descent = read_i16(data + DescentOffset);
    font.m_line_height = read_i16(data + LineHeightOffset);
    u16 name_length = read_u16(data + NameLengthOffset);
    font.m_glyph_count = read_u32(data + GlyphCountOffset);
    u32 glyph_table = read_u32(data + GlyphTableOffset);
    u32 coverage = read_u32(data + CoverageOffset);
    u32 coverage_size = read_u32(data + CoverageSizeOffset);
    font.m_replacement = read_u32(data + ReplacementCodePointOffset);

    if (font.m_pixel_size == 0 || u32(font.m_pixel_size) > max_pixel_size || font.m_line_height <= 0
        || font.m_ascent < 0 || font.m_descent < 0)
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas has impossible metrics."sv);
    if (name_length > max_name_length || flags & ~u16(Bold | Monospace))
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas header has invalid fields."sv);
    if (font.m_glyph_count > max_glyph_count)
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas declares too many glyphs."sv);
    // 64-bit sums: a corrupt offset must not wrap around.
    u64 table_end = u64(glyph_table) + u64(font.m_glyph_count) * glyph_record_size;
    if (glyph_table < header_size || table_end > file_size)
        return Error::with_message(
            ErrorCode::InvalidFormat, "The font atlas glyph table is out of bounds."sv);
    if (coverage < table_end || u64(coverage) + coverage_size > file_size)
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas coverage is out of bounds."sv);
    font.m_name = StringView(reinterpret_cast<char const*>(data + NameOffset), name_length);
    font.m_glyph_table = data + glyph_table;
    font.m_coverage = data + coverage;

    for (u32 index = 0; index < font.m_glyph_count; ++index) {
        u8 const* record = font.m_glyph_table + usize(index) * glyph_record_size;
        u32 code_point = read_u32(record + GlyphCodePointOffset);
        u32 width = read_u16(record + GlyphWidthOffset);
        u32 height = read_u16(record + GlyphHeightOffset);
        u32 start = read_u32(record + GlyphCoverageStartOffset);
        if (code_point > max_code_point)
            return Error::with_message(
                ErrorCode::InvalidFormat, "A glyph in the font atlas has an invalid code point."sv);
        if (index > 0 && code_point <= read_u32(record - glyph_record_size + GlyphCodePointOffset))
            return Error::with_message(ErrorCode::InvalidFormat, "The font atlas glyphs are not sorted."sv);
        if (width > max_glyph_side || height > max_glyph_side || read_i16(record + GlyphAdvanceOffset) < 0)
            return Error::with_message(
                ErrorCode::InvalidFormat, "A glyph in the font atlas has impossible metrics."sv);
        if (u64(start) + u64(width) * height > coverage_size)
            return Error::with_message(
                ErrorCode::InvalidFormat, "A glyph's coverage lies outside the font atlas."sv);
        if (code_point < direct_lookup_limit)
            font.m_direct_index[code_point] = u16(index + 1);
    }
    if (font.m_replacement != 0 && !font.find_index(font.m_replacement).has_value())
        return Error::with_message(ErrorCode::InvalidFormat, "The font atlas lacks its replacement glyph."sv);
    return font;
}

Glyph Font::glyph_at(u32 index) const
{
    using namespace FontFormat;
    VERIFY(index < m_glyph_count);
    u8 const* record = m_glyph_table + usize(index) * glyph_record_size;
    Glyph glyph;
    glyph.code_point = read_u32(record + GlyphCodePointOffset);
    glyph.width = read_u16(record + GlyphWidthOffset);
    glyph.height = read_u16(record + GlyphHeightOffset);
    glyph.left = read_i16(record + GlyphLeftOffset);
    glyph.top = read_i16(record + GlyphTopOffset);
    glyph.advance = read_i16(record + GlyphAdvanceOffset);
    glyph.coverage = m_coverage + read_u32(record + GlyphCoverageStartOffset);
    return glyph;
}

Optional<u32> Font::find_index(u32 code_point) const
{
    if (code_point < direct_lookup_limit) {
        u16 entry = m_direct_index[code_point];
        if (entry == 0)
            return {};
        return u32(entry - 1);
    }
    u32 low = 0;
    u32 high = m_glyph_count;
    while (low < high) {
        u32 middle = low + (high - low) / 2;
        u32 found = read_u32(m_glyph_table + usize(middle) * FontFormat::glyph_record_size);
        if (found == code_point)
            return middle;
        if (found < code_point)
            low = middle + 1;
        else
            high = middle;
    }
    return {};
}

Optional<Glyph> Font::glyph(u32 code_point) const
{
    auto index = find_index(code_point);
    if (!index.has_value())
        return {};
    return glyph_at(*index);
}

Glyph Font::glyph_or_replacement(u32 code_point) const
{
    if (auto index = find_index(code_point); index.has_value())
        return glyph_at(*index);
    if (m_replacement != 0) {
        if (auto index = find_index(m_replacement); index.has_value())
            return glyph_at(*index);
    }
    return {};
}

int Font::width(StringView text) const
{
    int total = 0;
    Utf8Decoder decoder(text);
    while (auto code_point = decoder.next())
        total += glyph_or_replacement(*code_point).advance;
    return total;
}

} // namespace Windowing
