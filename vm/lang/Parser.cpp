/*
 * vm/lang/Parser.cpp: statements, declarations and classes (expressions are in
 * ParserExpressions.cpp).
 */
#include <vm/lang/Lexer.h>
#include <vm/lang/Parser.h>

namespace Lang {

static bool is_syntax_error(Error const& error) { return error.code() == ErrorCode::InvalidFormat; }

Error Parser::syntax_error(SourcePosition position, StringView message)
{
    if (!m_aborted)
        m_diagnostics.error(position, message);
    return Error::with_message(ErrorCode::InvalidFormat, "syntax error"sv);
}

Error Parser::syntax_error_here(StringView what_was_expected)
{
    auto const& token = peek();
    StringBuilder builder;
    if (token.type == TokenType::Identifier || token.type == TokenType::Integer
        || token.type == TokenType::Float)
        (void)builder.try_appendff("expected {}, found '{}'", what_was_expected, token.text);
    else if (token.type == TokenType::Invalid)
        return Error::with_message(ErrorCode::InvalidFormat, "syntax error"sv); // already reported
    else
        (void)builder.try_appendff("expected {}, found {}", what_was_expected, token_description(token.type));
    return syntax_error(token.position, builder.string_view());
}

bool Parser::match(TokenType type)
{
    if (!check(type))
        return false;
    advance();
    return true;
}

Token const& Parser::advance()
{
    auto const& token = peek();
    if (m_position < m_tokens.size() - 1)
        ++m_position;
    return token;
}

ErrorOr<Token> Parser::expect(TokenType type, StringView context)
{
    if (check(type))
        return advance();
    StringBuilder builder;
    TRY(builder.try_appendff("{} {}", token_description(type), context));
    return syntax_error_here(builder.string_view());
}

ErrorOr<Token> Parser::expect_identifier(StringView what)
{
    if (check(TokenType::Identifier))
        return advance();
    // A keyword where a name belongs is a common slip; say which keyword it was.
    auto const& token = peek();
    if (token.type >= TokenType::KeywordBreak) {
        StringBuilder builder;
        TRY(builder.try_appendff("expected {}, found the keyword '{}'", what, token.text));
        return syntax_error(token.position, builder.string_view());
    }
    return syntax_error_here(what);
}

ErrorOr<void> Parser::enter()
{
    if (++m_depth > max_nesting_depth) {
        --m_depth;
        m_diagnostics.error(peek().position, "this is nested too deeply; split it into smaller pieces"sv);
        // Deep nesting is not recoverable locally: skip the rest of the file.
        m_position = m_tokens.size() - 1;
        m_aborted = true;
        return Error::with_message(ErrorCode::InvalidFormat, "syntax error"sv);
    }
    return {};
}

// Skips to a likely statement start after a syntax error: a token on a new line, a
// statement keyword or a '}', or just past a ';'. The callers make sure the parse advances.
void Parser::synchronize()
{
    while (!check(TokenType::EndOfFile)) {
        auto const& token = peek();
        if (token.newline_before)
            return;
        switch (token.type) {
        case TokenType::KeywordClass:
        case TokenType::KeywordFun:
        case TokenType::KeywordVar:
        case TokenType::KeywordLet:
        case TokenType::KeywordIf:
        case TokenType::KeywordWhile:
        case TokenType::KeywordFor:
        case TokenType::KeywordReturn:
        case TokenType::KeywordTry:
        case TokenType::KeywordImport:
        case TokenType::RightBrace:
            return;
        default:
            break;
        }
        if (advance().type == TokenType::Semicolon)
            return;
    }
}

ErrorOr<void> Parser::end_statement()
{
    if (match(TokenType::Semicolon))
        return {};
    auto const& token = peek();
    // `if (c) a = 1 else a = 2` on one line: the else ends the first statement.
    if (token.type == TokenType::RightBrace || token.type == TokenType::EndOfFile || token.newline_before
        || token.type == TokenType::KeywordElse)
        return {};
    return syntax_error_here("a new line or ';' after the statement"sv);
}

ErrorOr<void> Parser::parse_module(Module& module)
{
    auto* file_class = TRY(m_arena.make_class());
    file_class->name = module.name;
    file_class->file = module.file;
    file_class->is_synthesized = true;
    file_class->module = &module;
    file_class->position = {module.file, 1, 1};
    TRY(module.classes.try_append(file_class));
    module.file_class = file_class;

    auto* main = TRY(m_arena.make_function());
    main->name = "main"sv;
    main->kind = FunctionKind::Main;
    main->owner = file_class;
    main->position = {module.file, 1, 1};
    main->body = TRY(make(NodeKind::Block, main->position));
    module.main = main;

    while (!check(TokenType::EndOfFile)) {
        usize before = m_position;
        auto result = parse_top_level(module);
        if (result.is_error()) {
            if (!is_syntax_error(result.error()))
                return result.release_error();
            synchronize();
            if (m_position == before)
                advance();
            // A stray '}' at the top level would otherwise stop the loop forever.
            if (check(TokenType::RightBrace)) {
                m_diagnostics.error(peek().position, "unexpected '}' with no block to close"sv);
                advance();
            }
        }
    }
    return {};
}

ErrorOr<void> Parser::parse_top_level(Module& module)
{
    if (match(TokenType::Semicolon))
        return {};
    if (check(TokenType::KeywordImport)) {
        auto* node = TRY(parse_import());
        TRY(module.imports.try_append(node));
        return {};
    }
    if (check(TokenType::KeywordClass))
        return parse_class(module);
    if (check(TokenType::KeywordFun) && peek(1).type == TokenType::Identifier) {
        auto* node = TRY(parse_function_declaration(FunctionKind::TopLevel));
        node->function->owner = module.file_class;
        TRY(module.file_class->methods.try_append(node));
        return {};
    }
    if (check(TokenType::RightBrace))
        return syntax_error(peek().position, "unexpected '}' with no block to close"sv);
    auto* statement = TRY(parse_statement());
    TRY(module.statements.try_append(statement));
    TRY(module.main->body->list.try_append(statement));
    return {};
}

ErrorOr<Node*> Parser::parse_import()
{
    auto keyword = advance();
    auto* node = TRY(make(NodeKind::Import, keyword.position));
    if (check(TokenType::String)) {
        auto token = advance();
        node->string = TRY(Lexer::decode_string(token.text));
        // The module name is the file name without folders and extension.
        StringView path = node->string.view();
        if (auto slash = path.find_last('/'); slash.has_value())
            path = path.substring_view(slash.value() + 1);
        if (path.ends_with(".ph"sv))
            path = path.substring_view(0, path.length() - 3);
        node->name = path;
        if (path.is_empty())
            return syntax_error(token.position, "the import path names no file"sv);
    } else {
        auto name = TRY(expect_identifier("a module name or a path in quotes after 'import'"sv));
        node->name = name.text;
    }
    TRY(end_statement());
    return node;
}

ErrorOr<bool> Parser::parse_type_annotation(TypeAnnotation& type)
{
    if (!match(TokenType::Colon))
        return false;
    if (check(TokenType::KeywordNil)) {
        auto token = advance();
        type.name = token.text;
        type.position = token.position;
        return true;
    }
    auto name = TRY(expect_identifier("a type name after ':'"sv));
    type.name = name.text;
    type.position = name.position;
    if (check(TokenType::Question) && !peek().newline_before) {
        advance();
        type.nullable = true;
    }
    return true;
}

ErrorOr<Node*> Parser::parse_block()
{
    TRY(enter());
    auto open = TRY(expect(TokenType::LeftBrace, "to open a block"sv));
    auto* block = TRY(make(NodeKind::Block, open.position));
    while (!check(TokenType::RightBrace) && !check(TokenType::EndOfFile)) {
        usize before = m_position;
        auto statement = parse_statement();
        if (statement.is_error()) {
            if (!is_syntax_error(statement.error())) {
                leave();
                return statement.release_error();
            }
            if (check(TokenType::EndOfFile))
                break;
            synchronize();
            if (m_position == before)
                advance();
            continue;
        }
        TRY(block->list.try_append(statement.value()));
    }
    leave();
    if (!check(TokenType::RightBrace)) {
        return syntax_error(open.position, "this '{' is never closed; a '}' is missing"sv);
    }
    advance();
    return block;
}

ErrorOr<Node*> Parser::parse_statement()
{
    TRY(enter());
    auto result = [&]() -> ErrorOr<Node*> {
        auto const& token = peek();
        switch (token.type) {
        case TokenType::Semicolon:
            // An empty statement: `while (step()) ;`
            advance();
            return make(NodeKind::Block, token.position);
        case TokenType::LeftBrace:
            return parse_block();
        case TokenType::KeywordVar:
        case TokenType::KeywordLet:
            return parse_var_declaration(false, false);
        case TokenType::KeywordIf:
            return parse_if();
        case TokenType::KeywordWhile:
            return parse_while();
        case TokenType::KeywordFor:
            return parse_for();
        case TokenType::KeywordTry:
            return parse_try();
        case TokenType::KeywordFun:
            if (peek(1).type == TokenType::Identifier)
                return parse_function_declaration(FunctionKind::Closure);
            break;
        case TokenType::KeywordClass:
            return syntax_error(token.position, "classes are declared at the top level of a file"sv);
        case TokenType::KeywordImport:
            return syntax_error(token.position, "'import' belongs at the top level of a file"sv);
        case TokenType::KeywordReturn: {
            auto keyword = advance();
            auto* node = TRY(make(NodeKind::Return, keyword.position));
            if (!check(TokenType::Semicolon) && !check(TokenType::RightBrace) && !check(TokenType::EndOfFile)
                && !peek().newline_before)
                node->a = TRY(parse_expression());
            TRY(end_statement());
            return node;
        }
        case TokenType::KeywordBreak:
        case TokenType::KeywordContinue: {
            auto keyword = advance();
            auto* node
                = TRY(make(keyword.type == TokenType::KeywordBreak ? NodeKind::Break : NodeKind::Continue,
                    keyword.position));
            TRY(end_statement());
            return node;
        }
        case TokenType::KeywordThrow: {
            auto keyword = advance();
            auto* node = TRY(make(NodeKind::Throw, keyword.position));
            node->a = TRY(parse_expression());
            TRY(end_statement());
            return node;
        }
        case TokenType::KeywordElse:
            return syntax_error(token.position, "'else' without a matching 'if'"sv);
        case TokenType::KeywordCatch:
        case TokenType::KeywordFinally:
            return syntax_error(token.position, "'catch' and 'finally' must follow a 'try' block"sv);
        default:
            break;
        }
        auto* node = TRY(make(NodeKind::ExpressionStatement, token.position));
        node->a = TRY(parse_expression());
        TRY(end_statement());
        return node;
    }();
    leave();
    return result;
}

ErrorOr<Node*> Parser::parse_var_declaration(bool is_static, bool is_field)
{
    auto keyword = advance();
    auto name = TRY(expect_identifier("a variable name"sv));
    auto* node = TRY(make(NodeKind::VarDecl, name.position));
    node->name = name.text;
    if (keyword.type == TokenType::KeywordLet)
        node->flags |= NodeFlagConstant;
    if (is_static)
        node->flags |= NodeFlagStatic;
    TRY(parse_type_annotation(node->type));
    if (match(TokenType::Equal)) {
        node->a = TRY(parse_expression());
    } else if (keyword.type == TokenType::KeywordLet && !(is_field && !is_static)) {
        // (A `let` field may get its value in the constructor instead.)
        return syntax_error(name.position, "a 'let' constant needs a value: let name = value"sv);
    }
    TRY(end_statement());
    return node;
}

ErrorOr<Node*> Parser::parse_if()
{
    auto keyword = advance();
    auto* node = TRY(make(NodeKind::If, keyword.position));
    TRY(expect(TokenType::LeftParen, "after 'if'"sv));
    node->a = TRY(parse_expression());
    TRY(expect(TokenType::RightParen, "after the condition"sv));
    node->b = TRY(parse_statement());
    if (match(TokenType::KeywordElse))
        node->c = TRY(parse_statement());
    return node;
}

ErrorOr<Node*> Parser::parse_while()
{
    auto keyword = advance();
    auto* node = TRY(make(NodeKind::While, keyword.position));
    TRY(expect(TokenType::LeftParen, "after 'while'"sv));
    node->a = TRY(parse_expression());
    TRY(expect(TokenType::RightParen, "after the condition"sv));
    node->b = TRY(parse_statement());
    return node;
}

ErrorOr<Node*> Parser::parse_for()
{
    auto keyword = advance();
    TRY(expect(TokenType::LeftParen, "after 'for'"sv));
    // for (x in items), for (key, value in map), or for (init; condition; step).
    bool is_for_in = false;
    if (check(TokenType::Identifier)) {
        if (peek(1).type == TokenType::KeywordIn)
            is_for_in = true;
        else if (peek(1).type == TokenType::Comma && peek(2).type == TokenType::Identifier
            && peek(3).type == TokenType::KeywordIn)
            is_for_in = true;
    } else if ((check(TokenType::KeywordVar) || check(TokenType::KeywordLet))
        && peek(1).type == TokenType::Identifier && peek(2).type == TokenType::KeywordIn) {
        advance();
        is_for_in = true;
    }
    if (is_for_in) {
        auto* node = TRY(make(NodeKind::ForIn, keyword.position));
        auto first = advance();
        node->name = first.text;
        node->position = first.position;
        if (match(TokenType::Comma)) {
            auto second = advance();
            node->name2 = second.text;
        }
        TRY(expect(TokenType::KeywordIn, "in a for-each loop"sv));
        node->a = TRY(parse_expression());
        TRY(expect(TokenType::RightParen, "after the loop header"sv));
        node->d = TRY(parse_statement());
        return node;
    }
    auto* node = TRY(make(NodeKind::For, keyword.position));
    if (!match(TokenType::Semicolon)) {
        if (check(TokenType::KeywordVar) || check(TokenType::KeywordLet)) {
            auto declaration_keyword = advance();
            auto name = TRY(expect_identifier("a variable name"sv));
            auto* declaration = TRY(make(NodeKind::VarDecl, name.position));
            declaration->name = name.text;
            if (declaration_keyword.type == TokenType::KeywordLet)
                declaration->flags |= NodeFlagConstant;
            TRY(parse_type_annotation(declaration->type));
            if (match(TokenType::Equal))
                declaration->a = TRY(parse_expression());
            node->a = declaration;
        } else {
            auto* statement = TRY(make(NodeKind::ExpressionStatement, peek().position));
            statement->a = TRY(parse_expression());
            node->a = statement;
        }
        TRY(expect(TokenType::Semicolon, "after the loop's initializer"sv));
    }
    if (!match(TokenType::Semicolon)) {
        node->b = TRY(parse_expression());
        TRY(expect(TokenType::Semicolon, "after the loop condition"sv));
    }
    if (!check(TokenType::RightParen)) {
        auto* step = TRY(make(NodeKind::ExpressionStatement, peek().position));
        step->a = TRY(parse_expression());
        node->c = step;
    }
    TRY(expect(TokenType::RightParen, "after the loop header"sv));
    node->d = TRY(parse_statement());
    return node;
}

ErrorOr<Node*> Parser::parse_try()
{
    auto keyword = advance();
    auto* node = TRY(make(NodeKind::Try, keyword.position));
    node->a = TRY(parse_block());
    while (check(TokenType::KeywordCatch)) {
        auto catch_keyword = advance();
        auto* clause = TRY(make(NodeKind::Catch, catch_keyword.position));
        if (match(TokenType::LeftParen)) {
            auto name = TRY(expect_identifier("a variable name for the exception"sv));
            clause->name = name.text;
            clause->position = name.position;
            TRY(parse_type_annotation(clause->type));
            TRY(expect(TokenType::RightParen, "after the catch variable"sv));
        }
        clause->a = TRY(parse_block());
        TRY(node->list.try_append(clause));
    }
    if (match(TokenType::KeywordFinally))
        node->c = TRY(parse_block());
    if (node->list.is_empty() && !node->c)
        return syntax_error(keyword.position, "a 'try' block needs a 'catch' or a 'finally'"sv);
    return node;
}

ErrorOr<Node*> Parser::parse_function_declaration(FunctionKind kind)
{
    advance();
    auto name = TRY(expect_identifier("a function name"sv));
    auto* node = TRY(make(NodeKind::FunctionDecl, name.position));
    node->name = name.text;
    node->function = TRY(parse_function_rest(kind, name.text, name.position));
    return node;
}

// `fun +(other)`, `fun ==(other)`, `fun [](index)`, `fun []=(index, value)`, `fun negate()`:
// methods the VM sends for operators on instances.
ErrorOr<Node*> Parser::parse_operator_method()
{
    advance();
    auto const& token = peek();
    StringView name;
    switch (token.type) {
    case TokenType::Plus:
    case TokenType::Minus:
    case TokenType::Star:
    case TokenType::Slash:
    case TokenType::Percent:
    case TokenType::Ampersand:
    case TokenType::Pipe:
    case TokenType::Caret:
    case TokenType::ShiftLeft:
    case TokenType::ShiftRight:
    case TokenType::EqualEqual:
    case TokenType::BangEqual:
    case TokenType::Less:
    case TokenType::LessEqual:
    case TokenType::Greater:
    case TokenType::GreaterEqual:
        name = token.text;
        advance();
        break;
    case TokenType::LeftBracket:
        if (peek(1).type != TokenType::RightBracket)
            return syntax_error_here("a method name or an operator after 'fun'"sv);
        advance();
        advance();
        name = "[]"sv;
        if (check(TokenType::Equal)) {
            advance();
            name = "[]="sv;
        }
        break;
    default:
        return syntax_error_here("a method name or an operator after 'fun'"sv);
    }
    auto* node = TRY(make(NodeKind::FunctionDecl, token.position));
    node->name = name;
    node->function = TRY(parse_function_rest(FunctionKind::Method, name, token.position));
    return node;
}

// Parses "(parameters) [: type] { body }" or "(parameters) [: type] => expression".
ErrorOr<FunctionInfo*> Parser::parse_function_rest(
    FunctionKind kind, StringView name, SourcePosition position)
{
    auto* function = TRY(m_arena.make_function());
    function->name = name;
    function->kind = kind;
    function->position = position;
    TRY(expect(TokenType::LeftParen, "before the parameters"sv));
    if (!check(TokenType::RightParen)) {
        do {
            if (check(TokenType::RightParen))
                break;
            auto parameter_name = TRY(expect_identifier("a parameter name"sv));
            Parameter parameter {parameter_name.text, {}, parameter_name.position};
            TRY(parse_type_annotation(parameter.type));
            if (function->parameters.size() >= 200)
                return syntax_error(parameter.position, "a function takes at most 200 parameters"sv);
            TRY(function->parameters.try_append(parameter));
        } while (match(TokenType::Comma));
    }
    TRY(expect(TokenType::RightParen, "after the parameters"sv));
    TRY(parse_type_annotation(function->return_type));
    if (check(TokenType::FatArrow)) {
        auto arrow = advance();
        auto* body = TRY(make(NodeKind::Block, arrow.position));
        auto* result = TRY(make(NodeKind::Return, peek().position));
        result->a = TRY(parse_expression());
        TRY(body->list.try_append(result));
        body->flags |= NodeFlagArrowBody;
        function->body = body;
        return function;
    }
    function->body = TRY(parse_block());
    return function;
}

ErrorOr<void> Parser::parse_class(Module& module)
{
    advance();
    auto name = TRY(expect_identifier("a class name"sv));
    auto* klass = TRY(m_arena.make_class());
    klass->name = name.text;
    klass->position = name.position;
    klass->file = module.file;
    klass->module = &module;
    if (match(TokenType::Colon)) {
        auto superclass = TRY(expect_identifier("a superclass name after ':'"sv));
        klass->superclass_name = superclass.text;
        klass->superclass_position = superclass.position;
    }
    TRY(module.classes.try_append(klass));
    auto open = TRY(expect(TokenType::LeftBrace, "to open the class body"sv));
    while (!check(TokenType::RightBrace) && !check(TokenType::EndOfFile)) {
        usize before = m_position;
        auto member = [&]() -> ErrorOr<void> {
            if (match(TokenType::Semicolon))
                return {};
            bool is_static = match(TokenType::KeywordStatic);
            if (check(TokenType::KeywordVar) || check(TokenType::KeywordLet)) {
                auto* field = TRY(parse_var_declaration(is_static, true));
                TRY(klass->fields.try_append(field));
                return {};
            }
            if (check(TokenType::KeywordInit)) {
                auto init = advance();
                if (is_static)
                    return syntax_error(init.position, "a constructor cannot be static"sv);
                auto* node = TRY(make(NodeKind::FunctionDecl, init.position));
                node->name = init.text;
                node->function
                    = TRY(parse_function_rest(FunctionKind::Constructor, init.text, init.position));
                node->function->owner = klass;
                TRY(klass->methods.try_append(node));
                return {};
            }
            if (check(TokenType::KeywordFun) && !is_static && peek(1).type != TokenType::Identifier) {
                auto* node = TRY(parse_operator_method());
                node->function->owner = klass;
                TRY(klass->methods.try_append(node));
                return {};
            }
            if (check(TokenType::KeywordFun)) {
                auto* node = TRY(
                    parse_function_declaration(is_static ? FunctionKind::Static : FunctionKind::Method));
                node->function->owner = klass;
                TRY(klass->methods.try_append(node));
                return {};
            }
            return syntax_error_here("'var', 'let', 'fun', 'static' or 'init' in the class body"sv);
        }();
        if (member.is_error()) {
            if (!is_syntax_error(member.error()))
                return member.release_error();
            if (check(TokenType::EndOfFile))
                break;
            synchronize();
            if (m_position == before)
                advance();
        }
    }
    if (!match(TokenType::RightBrace))
        return syntax_error(open.position, "the class body is never closed; a '}' is missing"sv);
    return {};
}

} // namespace Lang
