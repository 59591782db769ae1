/*
 * vm/lang/ParserExpressions.cpp: expressions, by precedence climbing over a small table.
 *
 * From loosest to tightest: assignment, ?:, ||, &&, == !=, < <= > >= is, |, ^, &, << >>,
 * .. ..<, + -, * / %, unary - ! ~, then calls, members and indexing.
 */
#include <vm/lang/Lexer.h>
#include <vm/lang/Parser.h>

namespace Lang {

struct BinaryLevel {
    TokenType operators[4];
    u8 count;
};

static constexpr BinaryLevel s_binary_levels[] = {
    {{TokenType::OrOr}, 1},
    {{TokenType::AndAnd}, 1},
    {{TokenType::EqualEqual, TokenType::BangEqual}, 2},
    {{TokenType::Less, TokenType::LessEqual, TokenType::Greater, TokenType::GreaterEqual}, 4},
    {{TokenType::Pipe}, 1},
    {{TokenType::Caret}, 1},
    {{TokenType::Ampersand}, 1},
    {{TokenType::ShiftLeft, TokenType::ShiftRight}, 2},
    {{TokenType::DotDot, TokenType::DotDotLess}, 2},
    {{TokenType::Plus, TokenType::Minus}, 2},
    {{TokenType::Star, TokenType::Slash, TokenType::Percent}, 3},
};
static constexpr u32 s_binary_level_count = sizeof(s_binary_levels) / sizeof(s_binary_levels[0]);
static constexpr u32 s_comparison_level = 3;
// A chain like a + b + c + ... builds a tree as deep as it is long; later passes walk it
// recursively, so very long chains are refused here.
static constexpr u32 s_max_chain_length = 1000;

ErrorOr<Node*> Parser::parse_expression() { return parse_assignment(); }

static bool is_assignment_operator(TokenType type)
{
    switch (type) {
    case TokenType::Equal:
    case TokenType::PlusEqual:
    case TokenType::MinusEqual:
    case TokenType::StarEqual:
    case TokenType::SlashEqual:
    case TokenType::PercentEqual:
        return true;
    default:
        return false;
    }
}

ErrorOr<Node*> Parser::parse_assignment()
{
    TRY(enter());
    auto result = [&]() -> ErrorOr<Node*> {
        auto* target = TRY(parse_conditional());
        if (!is_assignment_operator(peek().type))
            return target;
        auto operator_token = advance();
        if (target->kind != NodeKind::Identifier && target->kind != NodeKind::Member
            && target->kind != NodeKind::Index) {
            return syntax_error(
                operator_token.position, "only a variable, a field or an element can be assigned to"sv);
        }
        auto* node = TRY(make(NodeKind::Assign, operator_token.position));
        node->op = operator_token.type;
        node->a = target;
        node->b = TRY(parse_assignment());
        return node;
    }();
    leave();
    return result;
}

ErrorOr<Node*> Parser::parse_conditional()
{
    TRY(enter());
    auto result = [&]() -> ErrorOr<Node*> {
        auto* condition = TRY(parse_binary(0));
        if (!check(TokenType::Question))
            return condition;
        auto question = advance();
        auto* node = TRY(make(NodeKind::Conditional, question.position));
        node->a = condition;
        node->b = TRY(parse_assignment());
        TRY(expect(TokenType::Colon, "between the two branches of '?:'"sv));
        node->c = TRY(parse_conditional());
        return node;
    }();
    leave();
    return result;
}

ErrorOr<Node*> Parser::parse_binary(u32 level)
{
    if (level >= s_binary_level_count)
        return parse_unary();
    auto* left = TRY(parse_binary(level + 1));
    auto const& operators = s_binary_levels[level];
    u32 chain = 0;
    for (;;) {
        auto type = peek().type;
        if (level == s_comparison_level && type == TokenType::KeywordIs) {
            auto keyword = advance();
            auto* node = TRY(make(NodeKind::Is, keyword.position));
            node->a = left;
            auto name = TRY(expect_identifier("a class name after 'is'"sv));
            node->type.name = name.text;
            node->type.position = name.position;
            left = node;
            continue;
        }
        bool found = false;
        for (u8 i = 0; i < operators.count; ++i)
            found = found || operators.operators[i] == type;
        if (!found)
            return left;
        auto operator_token = advance();
        if (++chain > s_max_chain_length)
            return syntax_error(
                operator_token.position, "this expression is too long; split it into several"sv);
        NodeKind kind = NodeKind::Binary;
        if (type == TokenType::AndAnd || type == TokenType::OrOr)
            kind = NodeKind::Logical;
        else if (type == TokenType::DotDot || type == TokenType::DotDotLess)
            kind = NodeKind::Range;
        auto* node = TRY(make(kind, operator_token.position));
        node->op = type;
        if (type == TokenType::DotDot)
            node->flags |= NodeFlagInclusive;
        node->a = left;
        node->b = TRY(parse_binary(level + 1));
        left = node;
        if (kind == NodeKind::Range)
            return left;
    }
}

ErrorOr<Node*> Parser::parse_unary()
{
    TRY(enter());
    auto result = [&]() -> ErrorOr<Node*> {
        auto type = peek().type;
        if (type == TokenType::Minus || type == TokenType::Bang || type == TokenType::Tilde) {
            auto operator_token = advance();
            auto* operand = TRY(parse_unary());
            // Negative literals are folded here so that `-1` is one constant, not a negation.
            if (type == TokenType::Minus && operand->kind == NodeKind::IntegerLiteral) {
                operand->integer = -operand->integer;
                operand->position = operator_token.position;
                return operand;
            }
            if (type == TokenType::Minus && operand->kind == NodeKind::FloatLiteral) {
                operand->number = -operand->number;
                operand->position = operator_token.position;
                return operand;
            }
            auto* node = TRY(make(NodeKind::Unary, operator_token.position));
            node->op = type;
            node->a = operand;
            return node;
        }
        return parse_postfix();
    }();
    leave();
    return result;
}

ErrorOr<void> Parser::parse_arguments(Vector<Node*>& arguments)
{
    // The '(' has been consumed.
    while (!check(TokenType::RightParen)) {
        if (arguments.size() >= 255)
            return syntax_error(peek().position, "a call passes at most 255 arguments"sv);
        TRY(arguments.try_append(TRY(parse_expression())));
        if (!match(TokenType::Comma))
            break;
    }
    TRY(expect(TokenType::RightParen, "after the arguments"sv));
    return {};
}

ErrorOr<Node*> Parser::parse_postfix()
{
    auto* expression = TRY(parse_primary());
    u32 chain = 0;
    for (;;) {
        auto const& token = peek();
        // '(' and '[' on a new line start a new statement rather than call or index.
        if (token.type == TokenType::LeftParen && !token.newline_before) {
            auto open = advance();
            auto* node = TRY(make(NodeKind::Call, open.position));
            node->a = expression;
            TRY(parse_arguments(node->list));
            expression = node;
        } else if (token.type == TokenType::LeftBracket && !token.newline_before) {
            auto open = advance();
            auto* node = TRY(make(NodeKind::Index, open.position));
            node->a = expression;
            node->b = TRY(parse_expression());
            TRY(expect(TokenType::RightBracket, "after the index"sv));
            expression = node;
        } else if (token.type == TokenType::Dot) {
            advance();
            // Member names may be keywords-free identifiers or `init`.
            Token name;
            if (check(TokenType::KeywordInit))
                name = advance();
            else
                name = TRY(expect_identifier("a member name after '.'"sv));
            auto* node = TRY(make(NodeKind::Member, name.position));
            node->a = expression;
            node->name = name.text;
            expression = node;
        } else {
            return expression;
        }
        if (++chain > s_max_chain_length)
            return syntax_error(token.position, "this expression is too long; split it into several"sv);
    }
}

ErrorOr<Node*> Parser::parse_string()
{
    auto first = advance();
    if (first.type == TokenType::String) {
        auto* node = TRY(make(NodeKind::StringLiteral, first.position));
        node->string = TRY(Lexer::decode_string(first.text));
        return node;
    }
    // "head ${expression} middle ${expression} tail"
    auto* node = TRY(make(NodeKind::Interpolation, first.position));
    auto add_text = [&](Token const& token) -> ErrorOr<void> {
        if (token.text.is_empty())
            return {};
        auto* text = TRY(make(NodeKind::StringLiteral, token.position));
        text->string = TRY(Lexer::decode_string(token.text));
        return node->list.try_append(text);
    };
    TRY(add_text(first));
    for (;;) {
        if (node->list.size() > s_max_chain_length)
            return syntax_error(first.position, "this string has too many interpolations"sv);
        TRY(node->list.try_append(TRY(parse_expression())));
        if (check(TokenType::StringMiddle)) {
            TRY(add_text(advance()));
            continue;
        }
        if (check(TokenType::StringTail)) {
            TRY(add_text(advance()));
            return node;
        }
        return syntax_error_here("'}' to end the interpolation"sv);
    }
}

ErrorOr<Node*> Parser::parse_array_or_map()
{
    auto open = advance();
    // [:] is the empty map.
    if (check(TokenType::Colon) && peek(1).type == TokenType::RightBracket) {
        advance();
        advance();
        return make(NodeKind::MapLiteral, open.position);
    }
    if (match(TokenType::RightBracket))
        return make(NodeKind::ArrayLiteral, open.position);
    auto* first = TRY(parse_expression());
    if (match(TokenType::Colon)) {
        auto* node = TRY(make(NodeKind::MapLiteral, open.position));
        TRY(node->list.try_append(first));
        TRY(node->list2.try_append(TRY(parse_expression())));
        while (match(TokenType::Comma)) {
            if (check(TokenType::RightBracket))
                break;
            if (node->list.size() >= 32000)
                return syntax_error(peek().position, "this map literal is too long"sv);
            TRY(node->list.try_append(TRY(parse_expression())));
            TRY(expect(TokenType::Colon, "between a key and its value"sv));
            TRY(node->list2.try_append(TRY(parse_expression())));
        }
        TRY(expect(TokenType::RightBracket, "to close the map"sv));
        return node;
    }
    auto* node = TRY(make(NodeKind::ArrayLiteral, open.position));
    TRY(node->list.try_append(first));
    while (match(TokenType::Comma)) {
        if (check(TokenType::RightBracket))
            break;
        if (node->list.size() >= 65000)
            return syntax_error(peek().position, "this array literal is too long"sv);
        TRY(node->list.try_append(TRY(parse_expression())));
    }
    TRY(expect(TokenType::RightBracket, "to close the array"sv));
    return node;
}

ErrorOr<Node*> Parser::parse_function_expression()
{
    auto keyword = advance();
    auto* node = TRY(make(NodeKind::Function, keyword.position));
    node->function = TRY(parse_function_rest(FunctionKind::Closure, {}, keyword.position));
    return node;
}

ErrorOr<Node*> Parser::parse_primary()
{
    auto const& token = peek();
    switch (token.type) {
    case TokenType::Integer: {
        auto* node = TRY(make(NodeKind::IntegerLiteral, token.position));
        node->integer = Lexer::parse_integer(token.text).value_or(0);
        advance();
        return node;
    }
    case TokenType::Float: {
        auto* node = TRY(make(NodeKind::FloatLiteral, token.position));
        node->number = Lexer::parse_float(token.text);
        advance();
        return node;
    }
    case TokenType::String:
    case TokenType::StringHead:
        return parse_string();
    case TokenType::KeywordTrue:
    case TokenType::KeywordFalse: {
        auto* node = TRY(make(NodeKind::BoolLiteral, token.position));
        node->integer = token.type == TokenType::KeywordTrue ? 1 : 0;
        advance();
        return node;
    }
    case TokenType::KeywordNil: {
        auto* node = TRY(make(NodeKind::NilLiteral, token.position));
        advance();
        return node;
    }
    case TokenType::KeywordThis: {
        auto* node = TRY(make(NodeKind::This, token.position));
        advance();
        return node;
    }
    case TokenType::KeywordSuper: {
        auto keyword = advance();
        auto* node = TRY(make(NodeKind::Super, keyword.position));
        if (check(TokenType::LeftParen)) {
            node->name = "init"sv;
            return node;
        }
        TRY(expect(TokenType::Dot, "after 'super' (super.method(...) or super(...))"sv));
        Token name;
        if (check(TokenType::KeywordInit))
            name = advance();
        else
            name = TRY(expect_identifier("a method name after 'super.'"sv));
        node->name = name.text;
        if (!check(TokenType::LeftParen))
            return syntax_error(name.position, "'super.' can only call a method: super.name(...)"sv);
        return node;
    }
    case TokenType::Identifier: {
        auto* node = TRY(make(NodeKind::Identifier, token.position));
        node->name = token.text;
        advance();
        return node;
    }
    case TokenType::LeftParen: {
        advance();
        auto* inner = TRY(parse_expression());
        TRY(expect(TokenType::RightParen, "to close the parenthesis"sv));
        return inner;
    }
    case TokenType::LeftBracket:
        return parse_array_or_map();
    case TokenType::KeywordFun:
        return parse_function_expression();
    case TokenType::Invalid:
        advance();
        return Error::with_message(ErrorCode::InvalidFormat, "syntax error"sv);
    default:
        return syntax_error_here("an expression"sv);
    }
}

} // namespace Lang
