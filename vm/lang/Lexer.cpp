/*
 * vm/lang/Lexer.cpp: the hand-written scanner for .ph sources.
 */
#include <vm/lang/Lexer.h>

namespace Lang {

StringView token_description(TokenType type)
{
    switch (type) {
#define PHANTOM_TOKEN_DESCRIPTION(name, text)                                                                \
    case TokenType::name:                                                                                    \
        return text##sv;
        PHANTOM_ENUMERATE_TOKENS(PHANTOM_TOKEN_DESCRIPTION)
#undef PHANTOM_TOKEN_DESCRIPTION
    }
    return "token"sv;
}

struct Keyword {
    StringView text;
    TokenType type;
};

static constexpr Keyword s_keywords[] = {
    {"break"sv, TokenType::KeywordBreak},
    {"catch"sv, TokenType::KeywordCatch},
    {"class"sv, TokenType::KeywordClass},
    {"continue"sv, TokenType::KeywordContinue},
    {"else"sv, TokenType::KeywordElse},
    {"false"sv, TokenType::KeywordFalse},
    {"finally"sv, TokenType::KeywordFinally},
    {"for"sv, TokenType::KeywordFor},
    {"fun"sv, TokenType::KeywordFun},
    {"if"sv, TokenType::KeywordIf},
    {"import"sv, TokenType::KeywordImport},
    {"in"sv, TokenType::KeywordIn},
    {"init"sv, TokenType::KeywordInit},
    {"is"sv, TokenType::KeywordIs},
    {"let"sv, TokenType::KeywordLet},
    {"nil"sv, TokenType::KeywordNil},
    {"return"sv, TokenType::KeywordReturn},
    {"static"sv, TokenType::KeywordStatic},
    {"super"sv, TokenType::KeywordSuper},
    {"this"sv, TokenType::KeywordThis},
    {"throw"sv, TokenType::KeywordThrow},
    {"true"sv, TokenType::KeywordTrue},
    {"try"sv, TokenType::KeywordTry},
    {"var"sv, TokenType::KeywordVar},
    {"while"sv, TokenType::KeywordWhile},
};

static bool is_identifier_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_identifier_part(char c) { return is_identifier_start(c) || is_digit(c); }
static bool is_hex_digit(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

void Lexer::advance()
{
    if (at_end())
        return;
    if (m_source[m_offset] == '\n') {
        ++m_line;
        m_column = 1;
        m_newline_before = true;
    } else {
        ++m_column;
    }
    ++m_offset;
}

ErrorOr<void> Lexer::add(TokenType type, SourcePosition position, StringView text)
{
    TRY(m_tokens.try_append(Token {type, m_newline_before, position, text}));
    m_newline_before = false;
    return {};
}

// Returns false when an unterminated block comment ran to the end of the file.
bool Lexer::skip_whitespace_and_comments()
{
    for (;;) {
        char c = peek();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            advance();
        } else if (c == '/' && peek(1) == '/') {
            while (!at_end() && peek() != '\n')
                advance();
        } else if (c == '/' && peek(1) == '*') {
            auto start = position();
            advance();
            advance();
            while (!at_end() && !(peek() == '*' && peek(1) == '/'))
                advance();
            if (at_end()) {
                m_diagnostics.error(start, "unterminated comment: '/*' has no matching '*/'"sv);
                return false;
            }
            advance();
            advance();
        } else {
            return true;
        }
    }
}

ErrorOr<Vector<Token>> Lexer::tokenize()
{
    // A byte-order mark is not part of the program.
    if (m_source.starts_with("\xEF\xBB\xBF"sv))
        m_offset = 3;
    for (;;) {
        if (!skip_whitespace_and_comments() || at_end())
            break;
        TRY(lex_token());
    }
    if (!m_interpolation_braces.is_empty())
        m_diagnostics.error(position(), "unterminated string interpolation: '${' has no matching '}'"sv);
    TRY(add(TokenType::EndOfFile, position(), {}));
    return move(m_tokens);
}

void Lexer::lex_number(SourcePosition start)
{
    usize begin = m_offset;
    m_pending_number_type = TokenType::Integer;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X' || peek(1) == 'b' || peek(1) == 'B')) {
        bool hex = peek(1) == 'x' || peek(1) == 'X';
        advance();
        advance();
        while (
            hex ? (is_hex_digit(peek()) || peek() == '_') : (peek() == '0' || peek() == '1' || peek() == '_'))
            advance();
    } else {
        while (is_digit(peek()) || peek() == '_')
            advance();
        // "1.5" is a float; "1..5" is a range and "1.abs()" a call, so a digit must follow.
        if (peek() == '.' && is_digit(peek(1))) {
            m_pending_number_type = TokenType::Float;
            advance();
            while (is_digit(peek()) || peek() == '_')
                advance();
        }
        if ((peek() == 'e' || peek() == 'E')
            && (is_digit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && is_digit(peek(2))))) {
            m_pending_number_type = TokenType::Float;
            advance();
            if (peek() == '+' || peek() == '-')
                advance();
            while (is_digit(peek()))
                advance();
        }
    }
    if (is_identifier_part(peek())) {
        while (is_identifier_part(peek()))
            advance();
        m_diagnostics.errorff(
            start, "malformed number '{}'", m_source.substring_view(begin, m_offset - begin));
        m_pending_number_type = TokenType::Invalid;
        return;
    }
    auto text = m_source.substring_view(begin, m_offset - begin);
    if (m_pending_number_type == TokenType::Integer && !parse_integer(text).has_value()) {
        m_diagnostics.errorff(start, "integer literal '{}' is too large (integers are 63-bit)", text);
        m_pending_number_type = TokenType::Invalid;
    }
}

ErrorOr<void> Lexer::lex_token()
{
    auto start = position();
    usize begin = m_offset;
    char c = peek();

    if (is_identifier_start(c)) {
        while (is_identifier_part(peek()))
            advance();
        auto text = m_source.substring_view(begin, m_offset - begin);
        for (auto const& keyword : s_keywords) {
            if (keyword.text == text)
                return add(keyword.type, start, text);
        }
        return add(TokenType::Identifier, start, text);
    }
    if (is_digit(c)) {
        lex_number(start);
        return add(m_pending_number_type, start, m_source.substring_view(begin, m_offset - begin));
    }
    if (c == '"') {
        advance();
        return lex_string_body(TokenType::String, start);
    }

    auto single = [&](TokenType type) -> ErrorOr<void> {
        advance();
        return add(type, start, m_source.substring_view(begin, 1));
    };
    auto pair = [&](char second, TokenType two, TokenType one) -> ErrorOr<void> {
        advance();
        if (peek() == second) {
            advance();
            return add(two, start, m_source.substring_view(begin, 2));
        }
        return add(one, start, m_source.substring_view(begin, 1));
    };

    switch (c) {
    case '(':
        return single(TokenType::LeftParen);
    case ')':
        return single(TokenType::RightParen);
    case '{':
        if (!m_interpolation_braces.is_empty())
            ++m_interpolation_braces.last();
        return single(TokenType::LeftBrace);
    case '}':
        if (!m_interpolation_braces.is_empty()) {
            if (m_interpolation_braces.last() == 0) {
                // The end of "${ ... }": the string goes on.
                m_interpolation_braces.shrink(m_interpolation_braces.size() - 1);
                advance();
                return lex_string_body(TokenType::StringMiddle, start);
            }
            --m_interpolation_braces.last();
        }
        return single(TokenType::RightBrace);
    case '[':
        return single(TokenType::LeftBracket);
    case ']':
        return single(TokenType::RightBracket);
    case ',':
        return single(TokenType::Comma);
    case ':':
        return single(TokenType::Colon);
    case ';':
        return single(TokenType::Semicolon);
    case '?':
        return single(TokenType::Question);
    case '~':
        return single(TokenType::Tilde);
    case '^':
        return single(TokenType::Caret);
    case '.':
        advance();
        if (peek() == '.') {
            advance();
            if (peek() == '<') {
                advance();
                return add(TokenType::DotDotLess, start, m_source.substring_view(begin, 3));
            }
            return add(TokenType::DotDot, start, m_source.substring_view(begin, 2));
        }
        return add(TokenType::Dot, start, m_source.substring_view(begin, 1));
    case '+':
        return pair('=', TokenType::PlusEqual, TokenType::Plus);
    case '-':
        if (peek(1) == '>') {
            advance();
            advance();
            return add(TokenType::Arrow, start, m_source.substring_view(begin, 2));
        }
        return pair('=', TokenType::MinusEqual, TokenType::Minus);
    case '*':
        return pair('=', TokenType::StarEqual, TokenType::Star);
    case '/':
        return pair('=', TokenType::SlashEqual, TokenType::Slash);
    case '%':
        return pair('=', TokenType::PercentEqual, TokenType::Percent);
    case '!':
        return pair('=', TokenType::BangEqual, TokenType::Bang);
    case '=':
        if (peek(1) == '>') {
            advance();
            advance();
            return add(TokenType::FatArrow, start, m_source.substring_view(begin, 2));
        }
        return pair('=', TokenType::EqualEqual, TokenType::Equal);
    case '<':
        if (peek(1) == '<') {
            advance();
            advance();
            return add(TokenType::ShiftLeft, start, m_source.substring_view(begin, 2));
        }
        return pair('=', TokenType::LessEqual, TokenType::Less);
    case '>':
        if (peek(1) == '>') {
            advance();
            advance();
            return add(TokenType::ShiftRight, start, m_source.substring_view(begin, 2));
        }
        return pair('=', TokenType::GreaterEqual, TokenType::Greater);
    case '&':
        return pair('&', TokenType::AndAnd, TokenType::Ampersand);
    case '|':
        return pair('|', TokenType::OrOr, TokenType::Pipe);
    default:
        break;
    }

    // Skip a whole UTF-8 sequence so that one stray character gives one error.
    advance();
    while (!at_end() && (static_cast<u8>(peek()) & 0xC0) == 0x80)
        advance();
    auto text = m_source.substring_view(begin, m_offset - begin);
    if (static_cast<u8>(c) >= 0x20 && static_cast<u8>(c) < 0x7f)
        m_diagnostics.errorff(start, "unexpected character '{}'", text);
    else
        m_diagnostics.errorff(start, "unexpected character (byte {:#x})", static_cast<u8>(c));
    return add(TokenType::Invalid, start, text);
}

// Scans string characters up to the closing quote or the next "${". The opening quote (or
// the '}' closing an interpolation) has been consumed.
ErrorOr<void> Lexer::lex_string_body(TokenType first_type, SourcePosition start)
{
    usize begin = m_offset;
    // A string is reported at its opening quote; a continuation at the '}' before it.
    auto content_start = start;
    for (;;) {
        if (at_end() || peek() == '\n') {
            m_diagnostics.error(start, "unterminated string: a '\"' is missing at the end of the line"sv);
            // Interpolations cannot continue past a broken string.
            m_interpolation_braces.clear();
            return add(first_type == TokenType::String ? TokenType::String : TokenType::StringTail,
                content_start, m_source.substring_view(begin, m_offset - begin));
        }
        char c = peek();
        if (c == '"') {
            auto text = m_source.substring_view(begin, m_offset - begin);
            advance();
            return add(first_type == TokenType::String ? TokenType::String : TokenType::StringTail,
                content_start, text);
        }
        if (c == '$' && peek(1) == '{') {
            auto text = m_source.substring_view(begin, m_offset - begin);
            if (m_interpolation_braces.size() >= max_interpolation_depth) {
                m_diagnostics.error(position(), "string interpolations are nested too deeply"sv);
                // Give up on the rest of the line rather than report every level.
                while (!at_end() && peek() != '\n')
                    advance();
                m_interpolation_braces.clear();
                return add(TokenType::StringTail, content_start, {});
            }
            advance();
            advance();
            TRY(m_interpolation_braces.try_append(0));
            return add(first_type == TokenType::String ? TokenType::StringHead : TokenType::StringMiddle,
                content_start, text);
        }
        if (c == '\\') {
            auto escape_position = position();
            advance();
            char e = peek();
            switch (e) {
            case 'n':
            case 't':
            case 'r':
            case '0':
            case '\\':
            case '"':
            case '\'':
            case '$':
                advance();
                break;
            case 'x':
                advance();
                if (is_hex_digit(peek()) && is_hex_digit(peek(1))) {
                    advance();
                    advance();
                } else {
                    m_diagnostics.error(
                        escape_position, "'\\x' must be followed by two hexadecimal digits"sv);
                }
                break;
            default:
                if (e == '\n' || e == '\0')
                    break;
                m_diagnostics.errorff(
                    escape_position, "unknown escape sequence '\\{}'", m_source.substring_view(m_offset, 1));
                advance();
                break;
            }
            continue;
        }
        advance();
    }
}

ErrorOr<String> Lexer::decode_string(StringView raw)
{
    StringBuilder builder;
    for (usize i = 0; i < raw.length(); ++i) {
        char c = raw[i];
        if (c != '\\' || i + 1 >= raw.length()) {
            TRY(builder.try_append(c));
            continue;
        }
        char e = raw[++i];
        switch (e) {
        case 'n':
            TRY(builder.try_append('\n'));
            break;
        case 't':
            TRY(builder.try_append('\t'));
            break;
        case 'r':
            TRY(builder.try_append('\r'));
            break;
        case '0':
            TRY(builder.try_append('\0'));
            break;
        case 'x': {
            if (i + 2 < raw.length() + 0 && is_hex_digit(raw[i + 1]) && is_hex_digit(raw[i + 2])) {
                auto digit = [](char h) -> u8 {
                    return is_digit(h) ? h - '0' : (h >= 'a' ? h - 'a' + 10 : h - 'A' + 10);
                };
                TRY(builder.try_append(static_cast<char>(digit(raw[i + 1]) * 16 + digit(raw[i + 2]))));
                i += 2;
            }
            break;
        }
        default:
            TRY(builder.try_append(e));
            break;
        }
    }
    return builder.to_string();
}

Optional<i64> Lexer::parse_integer(StringView text)
{
    u64 base = 10;
    usize i = 0;
    if (text.length() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (text.length() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
        base = 2;
        i = 2;
    }
    // Small integers are 63-bit two's complement: the largest literal is 2^62 - 1.
    constexpr u64 limit = (u64(1) << 62) - 1;
    u64 value = 0;
    bool any = false;
    for (; i < text.length(); ++i) {
        char c = text[i];
        if (c == '_')
            continue;
        u64 digit;
        if (is_digit(c))
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            return {};
        if (digit >= base || value > (limit - digit) / base)
            return {};
        value = value * base + digit;
        any = true;
    }
    if (!any)
        return {};
    return static_cast<i64>(value);
}

double Lexer::parse_float(StringView text)
{
    // Digits are gathered exactly into a 64-bit mantissa and scaled once by a power of ten
    // built by squaring; precise to the last bit or two, which is enough for a literal.
    u64 mantissa = 0;
    i32 exponent = 0;
    usize i = 0;
    auto take_digit = [&](char c, bool fraction) {
        if (mantissa < 1'000'000'000'000'000'000ull) {
            mantissa = mantissa * 10 + static_cast<u64>(c - '0');
            if (fraction)
                --exponent;
        } else {
            if (!fraction)
                ++exponent;
        }
    };
    for (; i < text.length() && (is_digit(text[i]) || text[i] == '_'); ++i) {
        if (text[i] != '_')
            take_digit(text[i], false);
    }
    if (i < text.length() && text[i] == '.') {
        for (++i; i < text.length() && (is_digit(text[i]) || text[i] == '_'); ++i) {
            if (text[i] != '_')
                take_digit(text[i], true);
        }
    }
    if (i < text.length() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool negative = false;
        if (i < text.length() && (text[i] == '+' || text[i] == '-'))
            negative = text[i++] == '-';
        i32 written = 0;
        for (; i < text.length() && is_digit(text[i]); ++i) {
            if (written < 100000)
                written = written * 10 + (text[i] - '0');
        }
        exponent += negative ? -written : written;
    }
    double value = static_cast<double>(mantissa);
    if (value == 0)
        return 0;
    double scale = 1;
    double power = 10;
    u32 magnitude = static_cast<u32>(exponent < 0 ? -exponent : exponent);
    if (magnitude > 400)
        magnitude = 400;
    while (magnitude) {
        if (magnitude & 1)
            scale *= power;
        power *= power;
        magnitude >>= 1;
    }
    return exponent < 0 ? value / scale : value * scale;
}

} // namespace Lang
