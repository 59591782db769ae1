/*
 * vm/lang/Lexer.h: turns one source file into tokens.
 *
 * Strings with interpolation ("sum: ${a + b}") become StringHead, the expression's tokens,
 * then StringMiddle ... StringTail, so the parser sees an ordinary token stream. Errors
 * (a stray character, an unterminated string or comment, a bad escape) go to Diagnostics
 * and lexing goes on; the token list always ends with EndOfFile.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <base/Vector.h>
#include <vm/lang/Diagnostics.h>
#include <vm/lang/Token.h>

namespace Lang {

class Lexer {
public:
    Lexer(StringView source, u16 file_index, Diagnostics& diagnostics)
        : m_source(source)
        , m_file_index(file_index)
        , m_diagnostics(diagnostics)
    { }

    [[nodiscard]] ErrorOr<Vector<Token>> tokenize();

    // Decodes the escapes of a string token's raw text (the lexer has already reported
    // malformed ones, which decode to nothing).
    [[nodiscard]] static ErrorOr<String> decode_string(StringView raw);

    // Parses an Integer token's text ("42", "0xff", "1_000"); empty if out of range.
    [[nodiscard]] static Optional<i64> parse_integer(StringView text);
    // Parses a Float token's text ("1.5", "2e10").
    [[nodiscard]] static double parse_float(StringView text);

    // Interpolations nest at most this deep ("${"${"..."}"}").
    static constexpr usize max_interpolation_depth = 16;

private:
    [[nodiscard]] ErrorOr<void> lex_token();
    [[nodiscard]] ErrorOr<void> lex_string_body(TokenType first_type, SourcePosition start);
    [[nodiscard]] ErrorOr<void> add(TokenType, SourcePosition, StringView text);
    void lex_number(SourcePosition start);
    bool skip_whitespace_and_comments();

    char peek(usize ahead = 0) const
    {
        return m_offset + ahead < m_source.length() ? m_source[m_offset + ahead] : '\0';
    }
    bool at_end() const { return m_offset >= m_source.length(); }
    void advance();
    SourcePosition position() const { return {m_file_index, m_line, m_column}; }

    StringView m_source;
    u16 m_file_index;
    Diagnostics& m_diagnostics;
    Vector<Token> m_tokens;
    usize m_offset {0};
    u32 m_line {1};
    u32 m_column {1};
    bool m_newline_before {false};
    // For each open interpolation, how many '{' are open inside it.
    Vector<u32, max_interpolation_depth> m_interpolation_braces;
    TokenType m_pending_number_type {TokenType::Integer};
};

} // namespace Lang
