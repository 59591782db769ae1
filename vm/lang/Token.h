/*
 * vm/lang/Token.h: the tokens of the Phantom language, declared once in a table from which
 * the enum and the names used in diagnostics ("expected ')'") are generated.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>
#include <vm/lang/Diagnostics.h>

namespace Lang {

#define PHANTOM_ENUMERATE_TOKENS(T)                                                                          \
    T(EndOfFile, "end of file")                                                                              \
    T(Invalid, "invalid character")                                                                          \
    T(Identifier, "identifier")                                                                              \
    T(Integer, "integer")                                                                                    \
    T(Float, "number")                                                                                       \
    T(String, "string")                                                                                      \
    T(StringHead, "string")                                                                                  \
    T(StringMiddle, "string")                                                                                \
    T(StringTail, "string")                                                                                  \
    T(LeftParen, "'('")                                                                                      \
    T(RightParen, "')'")                                                                                     \
    T(LeftBrace, "'{'")                                                                                      \
    T(RightBrace, "'}'")                                                                                     \
    T(LeftBracket, "'['")                                                                                    \
    T(RightBracket, "']'")                                                                                   \
    T(Comma, "','")                                                                                          \
    T(Dot, "'.'")                                                                                            \
    T(DotDot, "'..'")                                                                                        \
    T(DotDotLess, "'..<'")                                                                                   \
    T(Colon, "':'")                                                                                          \
    T(Semicolon, "';'")                                                                                      \
    T(Question, "'?'")                                                                                       \
    T(Arrow, "'->'")                                                                                         \
    T(FatArrow, "'=>'")                                                                                      \
    T(Plus, "'+'")                                                                                           \
    T(Minus, "'-'")                                                                                          \
    T(Star, "'*'")                                                                                           \
    T(Slash, "'/'")                                                                                          \
    T(Percent, "'%'")                                                                                        \
    T(Ampersand, "'&'")                                                                                      \
    T(Pipe, "'|'")                                                                                           \
    T(Caret, "'^'")                                                                                          \
    T(Tilde, "'~'")                                                                                          \
    T(ShiftLeft, "'<<'")                                                                                     \
    T(ShiftRight, "'>>'")                                                                                    \
    T(Bang, "'!'")                                                                                           \
    T(Equal, "'='")                                                                                          \
    T(EqualEqual, "'=='")                                                                                    \
    T(BangEqual, "'!='")                                                                                     \
    T(Less, "'<'")                                                                                           \
    T(LessEqual, "'<='")                                                                                     \
    T(Greater, "'>'")                                                                                        \
    T(GreaterEqual, "'>='")                                                                                  \
    T(AndAnd, "'&&'")                                                                                        \
    T(OrOr, "'||'")                                                                                          \
    T(PlusEqual, "'+='")                                                                                     \
    T(MinusEqual, "'-='")                                                                                    \
    T(StarEqual, "'*='")                                                                                     \
    T(SlashEqual, "'/='")                                                                                    \
    T(PercentEqual, "'%='")                                                                                  \
    T(KeywordBreak, "'break'")                                                                               \
    T(KeywordCatch, "'catch'")                                                                               \
    T(KeywordClass, "'class'")                                                                               \
    T(KeywordContinue, "'continue'")                                                                         \
    T(KeywordElse, "'else'")                                                                                 \
    T(KeywordFalse, "'false'")                                                                               \
    T(KeywordFinally, "'finally'")                                                                           \
    T(KeywordFor, "'for'")                                                                                   \
    T(KeywordFun, "'fun'")                                                                                   \
    T(KeywordIf, "'if'")                                                                                     \
    T(KeywordImport, "'import'")                                                                             \
    T(KeywordIn, "'in'")                                                                                     \
    T(KeywordInit, "'init'")                                                                                 \
    T(KeywordIs, "'is'")                                                                                     \
    T(KeywordLet, "'let'")                                                                                   \
    T(KeywordNil, "'nil'")                                                                                   \
    T(KeywordReturn, "'return'")                                                                             \
    T(KeywordStatic, "'static'")                                                                             \
    T(KeywordSuper, "'super'")                                                                               \
    T(KeywordThis, "'this'")                                                                                 \
    T(KeywordThrow, "'throw'")                                                                               \
    T(KeywordTrue, "'true'")                                                                                 \
    T(KeywordTry, "'try'")                                                                                   \
    T(KeywordVar, "'var'")                                                                                   \
    T(KeywordWhile, "'while'")

enum class TokenType : u8 {
#define PHANTOM_TOKEN_ENUMERATOR(name, text) name,
    PHANTOM_ENUMERATE_TOKENS(PHANTOM_TOKEN_ENUMERATOR)
#undef PHANTOM_TOKEN_ENUMERATOR
};

// How a token is named in "expected X" messages.
StringView token_description(TokenType);

struct Token {
    TokenType type {TokenType::EndOfFile};
    // True when a line break separates this token from the previous one; the parser uses
    // it to end statements without semicolons.
    bool newline_before {false};
    SourcePosition position;
    // The token's characters in the source (for strings: the raw text between the quotes
    // or interpolation braces, escapes not yet decoded).
    StringView text;
};

} // namespace Lang
