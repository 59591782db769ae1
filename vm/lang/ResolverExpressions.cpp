/*
 * vm/lang/ResolverExpressions.cpp: names, calls, operators, constant folding and the
 * annotation checks of expressions.
 */
#include <vm/lang/Builtins.h>
#include <vm/lang/Resolver.h>

namespace Lang {

StaticType Resolver::annotation_type(TypeAnnotation const& annotation, bool report_unknown)
{
    StaticType type;
    if (!annotation.is_present())
        return type;
    auto meaning = builtin_annotation(annotation.name);
    if (meaning.known) {
        type = meaning.type;
    } else if (auto* klass = find_class(annotation.name); klass && !klass->is_synthesized) {
        type.kind = TypeKind::Instance;
        type.klass = klass;
    } else if (!is_builtin_class(annotation.name) && report_unknown) {
        m_diagnostics.errorff(annotation.position, "unknown type '{}'", annotation.name);
    }
    type.nullable = annotation.nullable;
    return type;
}

bool Resolver::is_assignable(StaticType const& target, StaticType const& value) const
{
    if (!target.is_known() || !value.is_known())
        return true;
    // nil is accepted everywhere at run time (CheckType lets it through); annotations with
    // '?' only document it.
    if (value.kind == TypeKind::Nil)
        return true;
    if (target.kind != value.kind)
        return false;
    if (target.kind == TypeKind::Instance)
        return !target.klass || !value.klass || is_subclass(value.klass, target.klass);
    return true;
}

void Resolver::check_assignable(
    StaticType const& target, StaticType const& value, SourcePosition position, StringView what)
{
    if (is_assignable(target, value))
        return;
    if (target.kind == TypeKind::Float && value.kind == TypeKind::Int)
        m_diagnostics.errorff(
            position, "{} has type float but this is an int (write 1.0, or call .toFloat())", what);
    else
        m_diagnostics.errorff(position, "{} has type {} but this is {} {}", what, type_name(target),
            value.kind == TypeKind::Int ? "an"sv : "a"sv, type_name(value));
}

ErrorOr<Optional<u16>> Resolver::capture(FunctionContext* context, Variable* variable)
{
    if (variable->owner == context->scope || !context->enclosing)
        return Optional<u16> {};
    auto& captures = context->scope->captures;
    for (usize i = 0; i < captures.size(); ++i) {
        if (captures[i].variable == variable)
            return Optional<u16>(static_cast<u16>(i));
    }
    CaptureInfo info;
    info.variable = variable;
    if (variable->owner == context->enclosing->scope) {
        variable->captured = true;
        info.from_enclosing_local = true;
        info.index = variable->slot;
    } else {
        auto outer = TRY(capture(context->enclosing, variable));
        if (!outer.has_value())
            return Optional<u16> {};
        info.from_enclosing_local = false;
        info.index = outer.value();
    }
    if (captures.size() >= 60000)
        return Error::with_message(ErrorCode::OutOfRange, "too many captures"sv);
    TRY(captures.try_append(info));
    return Optional<u16>(static_cast<u16>(captures.size() - 1));
}

ErrorOr<Resolver::NameLookup> Resolver::lookup(StringView name, SourcePosition position, bool)
{
    NameLookup result;
    // Locals of this function and of the functions around it (captured).
    for (auto* context = m_function; context; context = context->enclosing) {
        for (usize b = context->blocks.size(); b > 0; --b) {
            auto& variables = context->blocks[b - 1].variables;
            for (usize v = variables.size(); v > 0; --v) {
                auto* variable = variables[v - 1];
                if (variable->name != name)
                    continue;
                result.variable = variable;
                if (context == m_function) {
                    result.access = VariableAccess::Local;
                    return result;
                }
                auto index = TRY(capture(m_function, variable));
                result.access = VariableAccess::Captured;
                result.capture_index = index.value_or(0);
                return result;
            }
        }
    }
    auto* scope = m_function ? m_function->scope : nullptr;
    auto* klass = scope ? scope->klass : nullptr;
    if (klass && !klass->is_synthesized) {
        ClassInfo* owner = nullptr;
        if (auto* field = find_field(klass, name, &owner)) {
            result.declaration = field;
            if (field->flags & NodeFlagStatic) {
                result.access = VariableAccess::Global;
                result.target = field->target;
            } else {
                if (scope->is_static)
                    m_diagnostics.errorff(
                        position, "field '{}' needs an instance; static code has no 'this'", name);
                result.access = VariableAccess::Field;
                result.target = field->name;
            }
            return result;
        }
        if (auto* method = find_method(klass, name)) {
            result.access = VariableAccess::Function;
            result.function = method;
            result.klass = method->owner;
            result.target = method->name;
            result.target_class = method->owner ? method->owner->name : StringView {};
            return result;
        }
    }
    // Top-level functions and variables of this file and of the files it imports.
    auto* module = module_of_context();
    if (module) {
        for (usize m = 0; m <= module->imported.size(); ++m) {
            Module* candidate = m == 0 ? module : module->imported[m - 1];
            if (auto function = candidate->top_level_functions.get(name); function.has_value()) {
                result.access = VariableAccess::Function;
                result.function = function.value();
                result.klass = candidate->file_class;
                result.target = name;
                result.target_class = candidate->name;
                return result;
            }
            if (auto found = candidate->top_level_variables.get(name); found.has_value()) {
                auto* statement = found.value();
                result.declaration = statement;
                if (m_resolving_main && candidate == module && !(statement->flags & NodeFlagDeclared)) {
                    m_diagnostics.errorff(position, "'{}' is used before it is declared", name);
                    result.access = VariableAccess::Unresolved;
                    return result;
                }
                if (statement->access != VariableAccess::Global) {
                    StringBuilder builder;
                    TRY(builder.try_appendff("{}.{}", candidate->name, name));
                    statement->target = TRY(m_arena.intern(builder.string_view()));
                    statement->access = VariableAccess::Global;
                }
                result.access = VariableAccess::Global;
                result.target = statement->target;
                return result;
            }
        }
    }
    if (auto* found = find_class(name); found && !found->is_synthesized) {
        result.access = VariableAccess::Class;
        result.klass = found;
        result.target = found->name;
        return result;
    }
    if (is_builtin_class(name)) {
        result.access = VariableAccess::Class;
        result.target = name;
        return result;
    }
    if (find_builtin_function(name)) {
        result.access = VariableAccess::Builtin;
        result.target = name;
        return result;
    }
    if (is_builtin_global(name)) {
        result.access = VariableAccess::Global;
        result.target = name;
        return result;
    }
    // The running VM's classes and globals (evaluation in the object shell).
    if (m_environment && m_environment->has_class(name)) {
        result.access = VariableAccess::Class;
        result.target = name;
        return result;
    }
    if (m_environment && m_environment->has_global(name)) {
        result.access = VariableAccess::Global;
        result.target = name;
        return result;
    }
    if (auto suggestion = suggest(name); !suggestion.is_empty())
        m_diagnostics.errorff(position, "unknown name '{}'; did you mean '{}'?", name, suggestion);
    else
        m_diagnostics.errorff(position, "unknown name '{}'", name);
    return result;
}

// Edit distance (insertions, deletions, substitutions), capped: names longer than 64
// characters are never suggested.
static u32 edit_distance(StringView a, StringView b)
{
    if (a.length() > 64 || b.length() > 64)
        return 1000;
    u32 previous[65];
    u32 current[65];
    for (usize j = 0; j <= b.length(); ++j)
        previous[j] = static_cast<u32>(j);
    for (usize i = 1; i <= a.length(); ++i) {
        current[0] = static_cast<u32>(i);
        for (usize j = 1; j <= b.length(); ++j) {
            u32 substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = min(min(previous[j] + 1, current[j - 1] + 1), substitution);
        }
        for (usize j = 0; j <= b.length(); ++j)
            previous[j] = current[j];
    }
    return previous[b.length()];
}

// The visible name closest to a misspelt one, if one is close enough to be a likely typo.
StringView Resolver::suggest(StringView name) const
{
    // Past the stored diagnostics nobody reads the suggestion; do not pay for it.
    if (name.length() < 3 || m_diagnostics.error_count() >= Diagnostics::stored_limit)
        return {};
    u32 limit = name.length() < 6 ? 1 : 2;
    StringView best;
    u32 best_distance = limit + 1;
    auto consider = [&](StringView candidate) {
        if (candidate.is_empty() || candidate == name || candidate == " "sv)
            return;
        u32 distance = edit_distance(name, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    };
    for (auto* context = m_function; context; context = context->enclosing) {
        for (auto const& block : context->blocks) {
            for (auto* variable : block.variables)
                consider(variable->name);
        }
    }
    if (m_function && m_function->scope->klass) {
        for (auto* klass = m_function->scope->klass; klass; klass = klass->superclass) {
            for (auto* field : klass->fields)
                consider(field->name);
            for (auto* method : klass->methods)
                consider(method->function->name);
        }
    }
    if (auto* module = module_of_context()) {
        for (usize m = 0; m <= module->imported.size(); ++m) {
            Module* candidate = m == 0 ? module : module->imported[m - 1];
            for (auto* method : candidate->file_class->methods)
                consider(method->function->name);
            for (auto const& entry : candidate->top_level_variables)
                consider(entry.key);
        }
    }
    for (auto* klass : m_classes) {
        if (!klass->is_synthesized)
            consider(klass->name);
    }
    for (auto builtin : {"print"sv, "write"sv, "exit"sv, "clock"sv, "sleep"sv, "args"sv})
        consider(builtin);
    return best;
}

ErrorOr<StaticType> Resolver::resolve_expression(Node* node)
{
    if (!node)
        return StaticType {};
    TRY(enter(node->position));
    auto result = resolve_expression_inner(node);
    leave();
    if (!result.is_error())
        node->static_type = result.value();
    return result;
}

static StaticType of_kind(TypeKind kind)
{
    StaticType type;
    type.kind = kind;
    return type;
}

ErrorOr<StaticType> Resolver::resolve_identifier(Node* node)
{
    auto found = TRY(lookup(node->name, node->position, false));
    node->access = found.access;
    node->variable = found.variable;
    node->index = found.capture_index;
    node->target = found.target;
    node->target_class = found.target_class;
    node->resolved_class = found.klass;
    node->resolved_function = found.function;
    switch (found.access) {
    case VariableAccess::Local:
    case VariableAccess::Captured:
        return found.variable->type;
    case VariableAccess::Field:
    case VariableAccess::Global:
        if (found.declaration && found.declaration->type.is_present())
            return annotation_type(found.declaration->type, false);
        if (found.declaration && (found.declaration->flags & NodeFlagConstant) && found.declaration->a)
            return found.declaration->a->static_type;
        return StaticType {};
    case VariableAccess::Function:
        if (found.function && found.function->kind == FunctionKind::Method)
            m_diagnostics.errorff(
                node->position, "method '{}' can only be called here: {}(...)", node->name, node->name);
        else
            m_diagnostics.errorff(node->position,
                "function '{}' can only be called; wrap it to pass it around: fun(x) => {}(x)", node->name,
                node->name);
        return StaticType {};
    case VariableAccess::Builtin:
        m_diagnostics.errorff(node->position, "the built-in function '{}' can only be called", node->name);
        return StaticType {};
    case VariableAccess::Class:
    default:
        return StaticType {};
    }
}

ErrorOr<StaticType> Resolver::resolve_expression_inner(Node* node)
{
    switch (node->kind) {
    case NodeKind::IntegerLiteral:
        return of_kind(TypeKind::Int);
    case NodeKind::FloatLiteral:
        return of_kind(TypeKind::Float);
    case NodeKind::StringLiteral:
        return of_kind(TypeKind::String);
    case NodeKind::BoolLiteral:
        return of_kind(TypeKind::Bool);
    case NodeKind::NilLiteral:
        return of_kind(TypeKind::Nil);
    case NodeKind::Interpolation:
        for (auto* part : node->list)
            TRY(resolve_expression(part));
        return of_kind(TypeKind::String);
    case NodeKind::ArrayLiteral:
        for (auto* element : node->list)
            TRY(resolve_expression(element));
        return of_kind(TypeKind::Array);
    case NodeKind::MapLiteral:
        for (usize i = 0; i < node->list.size(); ++i) {
            TRY(resolve_expression(node->list[i]));
            TRY(resolve_expression(node->list2[i]));
        }
        return of_kind(TypeKind::Map);
    case NodeKind::Identifier:
        return resolve_identifier(node);
    case NodeKind::This: {
        auto* scope = m_function->scope;
        if (scope->is_static || !scope->klass || scope->klass->is_synthesized) {
            m_diagnostics.error(node->position, "'this' is only available in methods and constructors"sv);
            return StaticType {};
        }
        StaticType type;
        type.kind = TypeKind::Instance;
        type.klass = scope->klass;
        return type;
    }
    case NodeKind::Super:
        m_diagnostics.error(node->position, "'super' can only call a method: super.name(...)"sv);
        return StaticType {};
    case NodeKind::Unary:
        return resolve_unary(node);
    case NodeKind::Binary:
        return resolve_binary(node);
    case NodeKind::Logical: {
        TRY(resolve_expression(node->a));
        TRY(resolve_expression(node->b));
        // `a && b` yields a or b (like Lua), so its type is only known when both agree.
        if (node->a->static_type.kind == TypeKind::Bool && node->b->static_type.kind == TypeKind::Bool)
            return of_kind(TypeKind::Bool);
        return StaticType {};
    }
    case NodeKind::Conditional: {
        TRY(resolve_expression(node->a));
        auto then_type = TRY(resolve_expression(node->b));
        auto else_type = TRY(resolve_expression(node->c));
        if (then_type.kind == else_type.kind && then_type.klass == else_type.klass)
            return then_type;
        return StaticType {};
    }
    case NodeKind::Assign:
        return resolve_assignment(node);
    case NodeKind::Call:
        return resolve_call(node);
    case NodeKind::Member:
        return resolve_member(node);
    case NodeKind::Index: {
        auto target = TRY(resolve_expression(node->a));
        auto index = TRY(resolve_expression(node->b));
        if (target.kind == TypeKind::Array && index.is_known() && index.kind != TypeKind::Int)
            m_diagnostics.errorff(node->b->position, "an array index must be an int, not {} {}",
                index.kind == TypeKind::Int ? "an"sv : "a"sv, type_name(index));
        if (target.kind == TypeKind::String)
            return of_kind(TypeKind::String);
        return StaticType {};
    }
    case NodeKind::Is: {
        TRY(resolve_expression(node->a));
        auto meaning = builtin_annotation(node->type.name);
        if (meaning.known && !meaning.check_class.is_empty()) {
            node->target = meaning.check_class;
        } else if (auto* klass = find_class(node->type.name); klass && !klass->is_synthesized) {
            node->target = klass->name;
        } else if (is_builtin_class(node->type.name)) {
            node->target = node->type.name;
        } else if (meaning.known) {
            m_diagnostics.errorff(
                node->type.position, "'is {}' cannot be tested; use == nil or a class", node->type.name);
        } else {
            m_diagnostics.errorff(node->type.position, "unknown class '{}'", node->type.name);
        }
        return of_kind(TypeKind::Bool);
    }
    case NodeKind::Range:
        m_diagnostics.error(node->position, "a range can only be used in a loop: for (i in 0..<n)"sv);
        return StaticType {};
    case NodeKind::Function: {
        node->function->owner = m_function->scope->klass;
        TRY(resolve_function(node->function, m_function, m_function->scope->klass, module_of_context()));
        return of_kind(TypeKind::Closure);
    }
    default:
        m_diagnostics.error(node->position, "this is not an expression"sv);
        return StaticType {};
    }
}

ErrorOr<StaticType> Resolver::resolve_unary(Node* node)
{
    auto operand = TRY(resolve_expression(node->a));
    auto* a = node->a;
    switch (node->op) {
    case TokenType::Bang:
        if (a->kind == NodeKind::BoolLiteral) {
            node->kind = NodeKind::BoolLiteral;
            node->integer = a->integer ? 0 : 1;
        } else if (a->kind == NodeKind::NilLiteral) {
            node->kind = NodeKind::BoolLiteral;
            node->integer = 1;
        }
        return of_kind(TypeKind::Bool);
    case TokenType::Minus:
        if (operand.is_known() && operand.kind != TypeKind::Int && operand.kind != TypeKind::Float
            && operand.kind != TypeKind::Instance)
            m_diagnostics.errorff(node->position, "cannot negate {} {}", "a"sv, type_name(operand));
        return operand.kind == TypeKind::Int || operand.kind == TypeKind::Float ? operand : StaticType {};
    case TokenType::Tilde:
        if (a->kind == NodeKind::IntegerLiteral) {
            node->kind = NodeKind::IntegerLiteral;
            node->integer = ~a->integer;
        } else if (operand.is_known() && operand.kind != TypeKind::Int) {
            m_diagnostics.errorff(node->position, "'~' needs an int, not {} {}", "a"sv, type_name(operand));
        }
        return of_kind(TypeKind::Int);
    default:
        return StaticType {};
    }
}

static bool is_arithmetic(TokenType op)
{
    switch (op) {
    case TokenType::Plus:
    case TokenType::Minus:
    case TokenType::Star:
    case TokenType::Slash:
    case TokenType::Percent:
        return true;
    default:
        return false;
    }
}

static bool is_bitwise(TokenType op)
{
    switch (op) {
    case TokenType::Ampersand:
    case TokenType::Pipe:
    case TokenType::Caret:
    case TokenType::ShiftLeft:
    case TokenType::ShiftRight:
        return true;
    default:
        return false;
    }
}

static bool is_comparison(TokenType op)
{
    switch (op) {
    case TokenType::EqualEqual:
    case TokenType::BangEqual:
    case TokenType::Less:
    case TokenType::LessEqual:
    case TokenType::Greater:
    case TokenType::GreaterEqual:
        return true;
    default:
        return false;
    }
}

// Small integers are 63-bit: results must stay within [-2^62, 2^62 - 1] to be folded.
static bool fits_small_integer(__int128 value)
{
    return value >= -(static_cast<__int128>(1) << 62) && value < (static_cast<__int128>(1) << 62);
}

void Resolver::fold_binary(Node* node)
{
    auto* a = node->a;
    auto* b = node->b;
    if (a->kind == NodeKind::IntegerLiteral && b->kind == NodeKind::IntegerLiteral) {
        __int128 x = a->integer;
        __int128 y = b->integer;
        __int128 value = 0;
        bool is_bool = false;
        switch (node->op) {
        case TokenType::Plus:
            value = x + y;
            break;
        case TokenType::Minus:
            value = x - y;
            break;
        case TokenType::Star:
            value = x * y;
            break;
        case TokenType::Slash:
            if (y == 0)
                return;
            value = x / y;
            break;
        case TokenType::Percent:
            if (y == 0)
                return;
            value = x % y;
            break;
        case TokenType::Ampersand:
            value = x & y;
            break;
        case TokenType::Pipe:
            value = x | y;
            break;
        case TokenType::Caret:
            value = x ^ y;
            break;
        case TokenType::ShiftLeft:
            if (y < 0 || y > 62)
                return;
            value = x << static_cast<int>(y);
            break;
        case TokenType::ShiftRight:
            if (y < 0 || y > 62)
                return;
            value = x >> static_cast<int>(y);
            break;
        case TokenType::EqualEqual:
            is_bool = true;
            value = x == y;
            break;
        case TokenType::BangEqual:
            is_bool = true;
            value = x != y;
            break;
        case TokenType::Less:
            is_bool = true;
            value = x < y;
            break;
        case TokenType::LessEqual:
            is_bool = true;
            value = x <= y;
            break;
        case TokenType::Greater:
            is_bool = true;
            value = x > y;
            break;
        case TokenType::GreaterEqual:
            is_bool = true;
            value = x >= y;
            break;
        default:
            return;
        }
        // An overflowing constant is left for the VM, which throws ArithmeticError as it
        // would for the same values at run time.
        if (!fits_small_integer(value))
            return;
        node->kind = is_bool ? NodeKind::BoolLiteral : NodeKind::IntegerLiteral;
        node->integer = static_cast<i64>(value);
        return;
    }
    bool a_number = a->kind == NodeKind::IntegerLiteral || a->kind == NodeKind::FloatLiteral;
    bool b_number = b->kind == NodeKind::IntegerLiteral || b->kind == NodeKind::FloatLiteral;
    if (a_number && b_number) {
        double x = a->kind == NodeKind::FloatLiteral ? a->number : static_cast<double>(a->integer);
        double y = b->kind == NodeKind::FloatLiteral ? b->number : static_cast<double>(b->integer);
        switch (node->op) {
        case TokenType::Plus:
            node->number = x + y;
            break;
        case TokenType::Minus:
            node->number = x - y;
            break;
        case TokenType::Star:
            node->number = x * y;
            break;
        case TokenType::Slash:
            node->number = x / y;
            break;
        default:
            return;
        }
        node->kind = NodeKind::FloatLiteral;
        return;
    }
    if (a->kind == NodeKind::StringLiteral && b->kind == NodeKind::StringLiteral
        && node->op == TokenType::Plus) {
        StringBuilder builder;
        if (builder.try_append(a->string.view()).is_error()
            || builder.try_append(b->string.view()).is_error())
            return;
        auto joined = builder.to_string();
        if (joined.is_error())
            return;
        node->string = joined.release_value();
        node->kind = NodeKind::StringLiteral;
    }
}

ErrorOr<StaticType> Resolver::resolve_binary(Node* node)
{
    auto left = TRY(resolve_expression(node->a));
    auto right = TRY(resolve_expression(node->b));
    auto op = node->op;
    auto is_number
        = [](StaticType const& type) { return type.kind == TypeKind::Int || type.kind == TypeKind::Float; };
    auto is_plain = [](StaticType const& type) {
        return type.kind != TypeKind::Unknown && type.kind != TypeKind::Instance;
    };
    StaticType result;
    if (is_arithmetic(op)) {
        if (is_number(left) && is_number(right)) {
            result.kind = (left.kind == TypeKind::Float || right.kind == TypeKind::Float) ? TypeKind::Float
                                                                                          : TypeKind::Int;
        } else if (op == TokenType::Plus && left.kind == TypeKind::String && right.kind == TypeKind::String) {
            result.kind = TypeKind::String;
        } else if (op == TokenType::Plus && left.kind == TypeKind::Array && right.kind == TypeKind::Array) {
            result.kind = TypeKind::Array;
        } else if (is_plain(left) && is_plain(right)) {
            if (op == TokenType::Plus && (left.kind == TypeKind::String || right.kind == TypeKind::String))
                m_diagnostics.errorff(node->position,
                    "cannot add {} and {}; use interpolation: \"${{a}}${{b}}\" or .toString()",
                    type_name(left), type_name(right));
            else
                m_diagnostics.errorff(node->position, "cannot apply {} to {} and {}", token_description(op),
                    type_name(left), type_name(right));
        }
    } else if (is_bitwise(op)) {
        if ((is_plain(left) && left.kind != TypeKind::Int)
            || (is_plain(right) && right.kind != TypeKind::Int))
            m_diagnostics.errorff(node->position, "{} needs int operands, not {} and {}",
                token_description(op), type_name(left), type_name(right));
        result.kind = TypeKind::Int;
    } else if (is_comparison(op)) {
        if (op != TokenType::EqualEqual && op != TokenType::BangEqual && is_plain(left) && is_plain(right)
            && !(is_number(left) && is_number(right))
            && !(left.kind == TypeKind::String && right.kind == TypeKind::String))
            m_diagnostics.errorff(node->position, "cannot compare {} and {} with {}", type_name(left),
                type_name(right), token_description(op));
        result.kind = TypeKind::Bool;
    }
    fold_binary(node);
    return result;
}

} // namespace Lang
