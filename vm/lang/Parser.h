/*
 * vm/lang/Parser.h: recursive-descent parser from tokens to the syntax tree of one file.
 *
 * Statements end at a newline, a ';' or a '}'; a line that starts with a binary operator
 * continues the previous line. On a syntax error the parser reports it, skips to the next
 * statement and goes on, so one run reports several errors. Nesting deeper than
 * max_nesting_depth is an error, never a stack overflow.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Vector.h>
#include <vm/lang/Ast.h>
#include <vm/lang/Diagnostics.h>
#include <vm/lang/Token.h>

namespace Lang {

class Parser {
public:
    static constexpr u32 max_nesting_depth = 200;

    Parser(Vector<Token> tokens, AstArena& arena, Diagnostics& diagnostics)
        : m_tokens(move(tokens))
        , m_arena(arena)
        , m_diagnostics(diagnostics)
    { }

    // Parses a whole file into `module` (whose file index and name are already set). Only
    // allocation failure is an Error; syntax errors go to the diagnostics.
    [[nodiscard]] ErrorOr<void> parse_module(Module& module);

private:
    // A syntax error is reported at once and then unwinds, as an Error carrying
    // ErrorCode::InvalidFormat, to the statement level, which skips to the next statement.
    // Any other Error (running out of memory) ends the parse.
    // Statements and declarations.
    ErrorOr<void> parse_top_level(Module&);
    ErrorOr<Node*> parse_statement();
    ErrorOr<Node*> parse_block();
    ErrorOr<Node*> parse_var_declaration(bool is_static, bool is_field);
    ErrorOr<Node*> parse_if();
    ErrorOr<Node*> parse_while();
    ErrorOr<Node*> parse_for();
    ErrorOr<Node*> parse_try();
    ErrorOr<void> parse_class(Module&);
    ErrorOr<Node*> parse_function_declaration(FunctionKind);
    ErrorOr<Node*> parse_operator_method();
    ErrorOr<FunctionInfo*> parse_function_rest(FunctionKind, StringView name, SourcePosition);
    ErrorOr<Node*> parse_import();
    ErrorOr<bool> parse_type_annotation(TypeAnnotation&);
    ErrorOr<void> end_statement();

    // Expressions, lowest precedence first.
    ErrorOr<Node*> parse_expression();
    ErrorOr<Node*> parse_assignment();
    ErrorOr<Node*> parse_conditional();
    ErrorOr<Node*> parse_binary(u32 level);
    ErrorOr<Node*> parse_unary();
    ErrorOr<Node*> parse_postfix();
    ErrorOr<Node*> parse_primary();
    ErrorOr<Node*> parse_string();
    ErrorOr<Node*> parse_array_or_map();
    ErrorOr<Node*> parse_function_expression();
    ErrorOr<void> parse_arguments(Vector<Node*>&);

    Token const& peek(usize ahead = 0) const
    {
        usize index = m_position + ahead;
        return m_tokens[index < m_tokens.size() ? index : m_tokens.size() - 1];
    }
    bool check(TokenType type) const { return peek().type == type; }
    bool match(TokenType);
    Token const& advance();
    // Consumes a token of `type` or reports "expected <what>" and fails the statement.
    ErrorOr<Token> expect(TokenType, StringView context);
    ErrorOr<Token> expect_identifier(StringView what);
    void synchronize();
    Error syntax_error(SourcePosition, StringView message);
    Error syntax_error_here(StringView what_was_expected);
    ErrorOr<Node*> make(NodeKind kind, SourcePosition position) { return m_arena.make_node(kind, position); }

    // Counts recursion into nested constructs; fails past max_nesting_depth.
    ErrorOr<void> enter();
    void leave() { --m_depth; }

    Vector<Token> m_tokens;
    usize m_position {0};
    AstArena& m_arena;
    Diagnostics& m_diagnostics;
    u32 m_depth {0};
    // Set when nesting went too deep: the rest of the file is skipped without more errors.
    bool m_aborted {false};
};

} // namespace Lang
