/*
 * vm/lang/Diagnostics.cpp: storing compiler errors and rendering them with the source line
 * and a caret under the column.
 */
#include <vm/lang/Diagnostics.h>

namespace Lang {

void Diagnostics::error(SourcePosition position, StringView message)
{
    ++m_error_count;
    add(Severity::Error, position, message);
}

void Diagnostics::warning(SourcePosition position, StringView message)
{
    add(Severity::Warning, position, message);
}

void Diagnostics::add(Severity severity, SourcePosition position, StringView message)
{
    if (m_entries.size() >= stored_limit)
        return;
    auto text = String::from_view(message);
    if (text.is_error())
        return;
    // Two errors at the same place usually mean one mistake seen twice; keep the first.
    for (auto const& entry : m_entries) {
        if (entry.position.file == position.file && entry.position.line == position.line
            && entry.position.column == position.column && entry.message == message)
            return;
    }
    (void)m_entries.try_append(Diagnostic {severity, position, text.release_value()});
}

void Diagnostics::clear()
{
    m_entries.clear();
    m_error_count = 0;
    m_files.clear();
    m_owned_texts.clear();
}

ErrorOr<u16> Diagnostics::add_file(SourceFile file)
{
    if (m_files.size() >= 0xffff)
        return Error::with_message(ErrorCode::OutOfRange, "a program has at most 65535 source files"sv);
    TRY(m_files.try_append(file));
    return static_cast<u16>(m_files.size() - 1);
}

ErrorOr<u16> Diagnostics::add_owned_file(String path, String text)
{
    TRY(m_owned_texts.try_ensure_capacity(m_owned_texts.size() + 2));
    m_owned_texts.append(move(path));
    StringView path_view = m_owned_texts.last().view();
    m_owned_texts.append(move(text));
    StringView text_view = m_owned_texts.last().view();
    return add_file({path_view, text_view});
}

static StringView file_name(Vector<SourceFile> const& files, u16 index)
{
    if (index < files.size())
        return files[index].path;
    return "<input>"sv;
}

// The text of 1-based line `line` of `text`, without its line ending.
static StringView source_line(StringView text, u32 line)
{
    u32 current = 1;
    usize start = 0;
    for (usize i = 0; i < text.length() && current < line; ++i) {
        if (text[i] == '\n') {
            ++current;
            start = i + 1;
        }
    }
    if (current != line)
        return {};
    usize end = start;
    while (end < text.length() && text[end] != '\n' && text[end] != '\r')
        ++end;
    return text.substring_view(start, end - start);
}

static ErrorOr<Vector<Diagnostic const*>> sorted_entries(Vector<Diagnostic> const&);

ErrorOr<String> Diagnostics::render_short() const
{
    StringBuilder builder;
    for (auto const* entry_pointer : TRY(sorted_entries(m_entries))) {
        auto const& entry = *entry_pointer;
        TRY(builder.try_appendff("{}:{}:{}: {}\n", file_name(m_files, entry.position.file),
            entry.position.line, entry.position.column, entry.message));
    }
    return builder.to_string();
}

// Diagnostics in source order (the lexer reports before the parser, the parser before the
// resolver); the sort is stable so equal positions keep their reporting order.
static ErrorOr<Vector<Diagnostic const*>> sorted_entries(Vector<Diagnostic> const& entries)
{
    Vector<Diagnostic const*> sorted;
    TRY(sorted.try_ensure_capacity(entries.size()));
    for (auto const& entry : entries) {
        usize index = sorted.size();
        auto before = [](SourcePosition a, SourcePosition b) {
            if (a.file != b.file)
                return a.file < b.file;
            if (a.line != b.line)
                return a.line < b.line;
            return a.column < b.column;
        };
        while (index > 0 && before(entry.position, sorted[index - 1]->position))
            --index;
        TRY(sorted.try_insert(index, &entry));
    }
    return sorted;
}

// Long lines are shown as a window around the column so the caret stays on screen.
static constexpr usize shown_line_width = 100;

ErrorOr<String> Diagnostics::render() const
{
    StringBuilder builder;
    for (auto const* entry_pointer : TRY(sorted_entries(m_entries))) {
        auto const& entry = *entry_pointer;
        auto const& position = entry.position;
        TRY(builder.try_appendff("{}:{}:{}: {}: {}\n", file_name(m_files, position.file), position.line,
            position.column, entry.severity == Severity::Error ? "error"sv : "warning"sv, entry.message));
        if (position.file >= m_files.size() || position.line == 0)
            continue;
        auto line = source_line(m_files[position.file].text, position.line);
        usize caret = position.column > 0 ? position.column - 1 : 0;
        if (caret > line.length())
            caret = line.length();
        usize first = 0;
        if (line.length() > shown_line_width && caret > shown_line_width / 2)
            first = min(caret - shown_line_width / 2, line.length() - shown_line_width);
        auto shown = line.substring_view(first, min(line.length() - first, shown_line_width));
        TRY(builder.try_appendff("{:>6} | ", position.line));
        for (char character : shown) {
            auto byte = static_cast<u8>(character);
            TRY(builder.try_append(character == '\t' || (byte < 0x20) ? ' ' : character));
        }
        TRY(builder.try_append("\n       | "sv));
        for (usize column = first; column < caret; ++column)
            TRY(builder.try_append(' '));
        TRY(builder.try_append("^\n"sv));
    }
    if (m_error_count > m_entries.size())
        TRY(builder.try_appendff("... and {} more errors\n", m_error_count - m_entries.size()));
    return builder.to_string();
}

} // namespace Lang
