/*
 * vm/lang/Diagnostics.h: the compiler's error list. Every error carries the file, line and
 * column it is about; render() prints each one the way a student expects to read it:
 *
 *     shapes.ph:12:11: error: unknown name 'lenght'; did you mean 'length'?
 *         12 |     print(lenght)
 *            |           ^
 *
 * Collection goes on after the first error (several errors per run) up to a limit, after
 * which further errors are counted but not stored, so hostile input cannot exhaust memory.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <base/String.h>
#include <base/StringView.h>
#include <base/Types.h>
#include <base/Vector.h>

namespace Lang {

// One source file handed to the compiler. The text must outlive the compilation.
struct SourceFile {
    StringView path;
    StringView text;
};

// A place in a source file: 1-based line and column (columns count bytes).
struct SourcePosition {
    u16 file {0};
    u32 line {0};
    u32 column {0};
};

enum class Severity : u8 {
    Error,
    Warning,
};

struct Diagnostic {
    Severity severity {Severity::Error};
    SourcePosition position;
    String message;
};

class Diagnostics {
public:
    // Errors beyond this many are counted, not stored.
    static constexpr usize stored_limit = 100;

    // The files positions refer to (file index = position in this list). The compiler
    // registers them; texts added with add_owned_file() are kept alive here so that
    // render() works after compile() has returned.
    [[nodiscard]] ErrorOr<u16> add_file(SourceFile);
    [[nodiscard]] ErrorOr<u16> add_owned_file(String path, String text);
    Span<SourceFile const> files() const { return m_files.span(); }

    void error(SourcePosition, StringView message);
    void warning(SourcePosition, StringView message);
    template<typename... Ts>
    void errorff(SourcePosition position, CheckedFormatString<Ts...> format, Ts const&... arguments)
    {
        StringBuilder builder;
        if (builder.try_appendff(format, arguments...).is_error())
            return note_dropped();
        error(position, builder.string_view());
    }

    [[nodiscard]] bool has_errors() const { return m_error_count > 0; }
    [[nodiscard]] usize error_count() const { return m_error_count; }
    [[nodiscard]] Vector<Diagnostic> const& entries() const { return m_entries; }

    // Every diagnostic as "file:line:column: error: message" + the source line + a caret.
    [[nodiscard]] ErrorOr<String> render() const;
    // Only "file:line:column: message" lines, one per diagnostic (for tests and tools).
    [[nodiscard]] ErrorOr<String> render_short() const;

    void clear();

private:
    void add(Severity, SourcePosition, StringView message);
    void note_dropped() { ++m_error_count; }

    Vector<SourceFile> m_files;
    Vector<String> m_owned_texts;
    Vector<Diagnostic> m_entries;
    usize m_error_count {0};
};

} // namespace Lang
