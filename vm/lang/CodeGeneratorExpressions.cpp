/*
 * vm/lang/CodeGeneratorExpressions.cpp: expressions, calls, assignments, closures and
 * conditions compiled to jumps.
 */
#include <vm/lang/Builtins.h>
#include <vm/lang/CodeGenerator.h>

namespace Lang {

using VM::Opcode;

ErrorOr<void> CodeGenerator::push_integer(i64 value)
{
    if (value >= -32768 && value <= 32767)
        return m_function->builder.emit_push_int(static_cast<i16>(value));
    auto index = TRY(m_function->builder.add_integer(value));
    return m_function->builder.emit(Opcode::PushConstant, index);
}

namespace {

    // The instruction of a binary operator (compound assignments use the same one); Nop when
    // the token is none.
    Opcode opcode_of_operator(TokenType op)
    {
        switch (op) {
        case TokenType::Plus:
        case TokenType::PlusEqual:
            return Opcode::Add;
        case TokenType::Minus:
        case TokenType::MinusEqual:
            return Opcode::Subtract;
        case TokenType::Star:
        case TokenType::StarEqual:
            return Opcode::Multiply;
        case TokenType::Slash:
        case TokenType::SlashEqual:
            return Opcode::Divide;
        case TokenType::Percent:
        case TokenType::PercentEqual:
            return Opcode::Modulo;
        case TokenType::Ampersand:
            return Opcode::BitAnd;
        case TokenType::Pipe:
            return Opcode::BitOr;
        case TokenType::Caret:
            return Opcode::BitXor;
        case TokenType::ShiftLeft:
            return Opcode::ShiftLeft;
        case TokenType::ShiftRight:
            return Opcode::ShiftRight;
        case TokenType::EqualEqual:
            return Opcode::Equal;
        case TokenType::BangEqual:
            return Opcode::NotEqual;
        case TokenType::Less:
            return Opcode::Less;
        case TokenType::LessEqual:
            return Opcode::LessEqual;
        case TokenType::Greater:
            return Opcode::Greater;
        case TokenType::GreaterEqual:
            return Opcode::GreaterEqual;
        default:
            return Opcode::Nop;
        }
    }

} // namespace

ErrorOr<void> CodeGenerator::binary_operator(TokenType op, bool before_conditional_jump)
{
    Opcode opcode = opcode_of_operator(op);
    if (opcode == Opcode::Nop)
        return Error::with_message(ErrorCode::InvalidArgument, "not a binary operator"sv);
    // Comparisons that only decide a branch have a test_* form; other operators do not.
    if (before_conditional_jump && VM::test_form(opcode) != Opcode::Nop)
        return emit(VM::test_form(opcode));
    return emit(opcode);
}

// x + 1, n - 2, i += 1: an integer literal in i16 range rides in the instruction (add_int,
// subtract_int) instead of being pushed. Emits nothing and answers false for other shapes.
ErrorOr<bool> CodeGenerator::immediate_arithmetic(TokenType op, Node* operand, Node* position)
{
    bool add = op == TokenType::Plus || op == TokenType::PlusEqual;
    bool subtract = op == TokenType::Minus || op == TokenType::MinusEqual;
    if ((!add && !subtract) || operand->kind != NodeKind::IntegerLiteral || operand->integer < -32768
        || operand->integer > 32767)
        return false;
    if (position)
        TRY(mark(position->position));
    TRY(m_function->builder.emit(
        add ? Opcode::AddInt : Opcode::SubtractInt, static_cast<u16>(static_cast<i16>(operand->integer))));
    return true;
}

ErrorOr<void> CodeGenerator::load_identifier(Node* node)
{
    switch (node->access) {
    case VariableAccess::Local:
        return emit_local(
            node->variable->captured ? Opcode::LoadBox : Opcode::LoadLocal, node->variable->slot);
    case VariableAccess::Captured:
        return emit_local(Opcode::LoadCaptured, node->index);
    case VariableAccess::Field:
        return emit_name(Opcode::LoadSelfField, node->target);
    case VariableAccess::Global:
    case VariableAccess::Class:
        return emit_name(Opcode::LoadGlobal, node->target);
    default:
        // Already reported by the resolver; keep the stack shape.
        return emit(Opcode::PushNil);
    }
}

ErrorOr<void> CodeGenerator::store_variable(
    Node*, Variable* variable, VariableAccess access, u16 capture_index, StringView target)
{
    switch (access) {
    case VariableAccess::Local:
        if (m_options.runtime_type_checks && variable->annotated && !variable->check_class.is_empty())
            TRY(emit_check_type(variable->check_class));
        return emit_local(variable->captured ? Opcode::StoreBox : Opcode::StoreLocal, variable->slot);
    case VariableAccess::Captured:
        if (m_options.runtime_type_checks && variable->annotated && !variable->check_class.is_empty())
            TRY(emit_check_type(variable->check_class));
        return emit_local(Opcode::StoreCaptured, capture_index);
    case VariableAccess::Field:
        return emit_name(Opcode::StoreSelfField, target);
    case VariableAccess::Global:
        return emit_name(Opcode::StoreGlobal, target);
    default:
        return emit(Opcode::Pop);
    }
}

// An annotated field or global checks the stored value at run time unless its type is
// already known (the resolver checked it then).
ErrorOr<void> CodeGenerator::emit_store_check(Node* target, Node* value)
{
    if (!m_options.runtime_type_checks || target->target_class.is_empty() || value->static_type.is_known())
        return {};
    if (target->kind == NodeKind::Identifier && target->access != VariableAccess::Field
        && target->access != VariableAccess::Global)
        return {};
    return emit_check_type(target->target_class);
}

ErrorOr<void> CodeGenerator::assignment(Node* node, bool value_needed)
{
    auto* target = node->a;
    bool compound = node->op != TokenType::Equal;
    if (target->kind == NodeKind::Identifier
        || (target->kind == NodeKind::Member && target->access == VariableAccess::Global)
        || (target->kind == NodeKind::Member && target->a->kind == NodeKind::This)) {
        VariableAccess access = target->access;
        StringView name = target->target;
        if (target->kind == NodeKind::Member && target->access != VariableAccess::Global) {
            access = VariableAccess::Field;
            name = target->name;
        }
        if (compound) {
            if (target->kind == NodeKind::Identifier)
                TRY(load_identifier(target));
            else if (access == VariableAccess::Field)
                TRY(emit_name(Opcode::LoadSelfField, name));
            else
                TRY(emit_name(Opcode::LoadGlobal, name));
        }
        if (!compound || !TRY(immediate_arithmetic(node->op, node->b))) {
            TRY(expression(node->b));
            if (compound)
                TRY(binary_operator(node->op));
        }
        if (access != VariableAccess::Local && access != VariableAccess::Captured)
            TRY(emit_store_check(target, node->b));
        if (value_needed)
            TRY(emit(Opcode::Dup));
        return store_variable(target, target->variable, access, target->index, name);
    }
    if (target->kind == NodeKind::Member) {
        TRY(expression(target->a));
        if (compound) {
            TRY(emit(Opcode::Dup));
            TRY(emit_name(Opcode::LoadField, target->name));
        }
        TRY(expression(node->b));
        if (compound)
            TRY(binary_operator(node->op));
        TRY(emit_store_check(target, node->b));
        u16 scratch = 0;
        if (value_needed) {
            scratch = allocate_scratch();
            TRY(emit(Opcode::Dup));
            TRY(emit_local(Opcode::StoreLocal, scratch));
        }
        TRY(mark(target->position));
        TRY(emit_name(Opcode::StoreField, target->name));
        if (value_needed) {
            TRY(emit_local(Opcode::LoadLocal, scratch));
            release_scratch(1);
        }
        return {};
    }
    // target[index] = value
    TRY(expression(target->a));
    TRY(expression(target->b));
    if (compound) {
        TRY(emit(Opcode::Dup2));
        TRY(emit(Opcode::GetIndex));
    }
    TRY(expression(node->b));
    if (compound)
        TRY(binary_operator(node->op));
    u16 scratch = 0;
    if (value_needed) {
        scratch = allocate_scratch();
        TRY(emit(Opcode::Dup));
        TRY(emit_local(Opcode::StoreLocal, scratch));
    }
    TRY(mark(target->position));
    TRY(emit(Opcode::SetIndex));
    if (value_needed) {
        TRY(emit_local(Opcode::LoadLocal, scratch));
        release_scratch(1);
    }
    return {};
}

ErrorOr<void> CodeGenerator::interpolation(Node* node)
{
    bool first = true;
    for (auto* part : node->list) {
        TRY(expression(part));
        if (part->static_type.kind != TypeKind::String) {
            TRY(mark(part->position));
            TRY(emit_send("toString"sv, 0));
        }
        if (!first)
            TRY(emit(Opcode::Add));
        first = false;
    }
    if (first) {
        auto index = TRY(m_function->builder.add_string(""sv));
        TRY(m_function->builder.emit(Opcode::PushConstant, index));
    }
    return {};
}

ErrorOr<void> CodeGenerator::closure(Node* node)
{
    auto* function = node->function;
    auto* scope = function->scope;
    if (!scope)
        return emit(Opcode::PushNil);
    FunctionState state;
    state.scope = scope;
    state.info = function;
    state.image = m_function->image;
    state.next_scratch = scope->slot_count;
    state.max_slots = scope->slot_count;
    for (auto const& capture : scope->captures) {
        TRY(state.builder.add_capture(
            capture.from_enclosing_local ? VM::CaptureSource::Local : VM::CaptureSource::Captured,
            capture.index));
    }
    auto* saved = m_function;
    m_function = &state;
    auto result = [&]() -> ErrorOr<void> {
        TRY(mark(function->position));
        TRY(emit_prologue(state));
        return block(function->body);
    }();
    m_function = saved;
    TRY(result);
    StringBuilder name;
    if (function->name.is_empty())
        TRY(name.try_appendff("<closure:{}>", function->position.line));
    else
        TRY(name.try_append(function->name));
    auto method = TRY(finish(
        state, name.string_view(), VM::MethodKind::Function, static_cast<u16>(function->parameters.size())));
    auto& functions = m_function->image->functions;
    TRY(functions.try_append(move(method)));
    auto constant = TRY(m_function->builder.add_function(static_cast<u32>(functions.size() - 1)));
    return m_function->builder.emit(Opcode::MakeClosure, constant);
}

ErrorOr<void> CodeGenerator::call(Node* node)
{
    auto argument_count = static_cast<u8>(node->list.size());
    auto arguments = [&]() -> ErrorOr<void> {
        for (auto* argument : node->list)
            TRY(expression(argument));
        return {};
    };
    switch (node->call_kind) {
    case CallKind::Closure:
        if (node->a->kind == NodeKind::Super) {
            // super() where no superclass constructor exists: nothing to run.
            return emit(Opcode::PushNil);
        }
        TRY(expression(node->a));
        TRY(arguments());
        TRY(mark(node->position));
        return m_function->builder.emit_argc(Opcode::Call, argument_count);
    case CallKind::Send:
        TRY(expression(node->a->a));
        TRY(arguments());
        TRY(mark(node->a->position));
        return emit_send(node->target, argument_count);
    case CallKind::SelfSend:
        TRY(emit(Opcode::PushSelf));
        TRY(arguments());
        TRY(mark(node->position));
        return emit_send(node->target, argument_count);
    case CallKind::SuperSend: {
        TRY(emit(Opcode::PushSelf));
        TRY(arguments());
        TRY(mark(node->position));
        auto name = TRY(m_function->builder.add_name(node->target));
        return m_function->builder.emit_send(Opcode::SuperSend, name, argument_count);
    }
    case CallKind::Static:
    case CallKind::Builtin:
        TRY(arguments());
        TRY(mark(node->position));
        return emit_static(Opcode::CallStatic, node->target_class, node->target, argument_count);
    case CallKind::New:
        TRY(arguments());
        TRY(mark(node->position));
        return emit_static(Opcode::New, node->target_class, node->target, argument_count);
    }
    return {};
}

ErrorOr<void> CodeGenerator::expression(Node* node)
{
    switch (node->kind) {
    case NodeKind::IntegerLiteral:
        return push_integer(node->integer);
    case NodeKind::FloatLiteral: {
        auto index = TRY(m_function->builder.add_float(node->number));
        return m_function->builder.emit(Opcode::PushConstant, index);
    }
    case NodeKind::StringLiteral: {
        auto index = TRY(m_function->builder.add_string(node->string.view()));
        return m_function->builder.emit(Opcode::PushConstant, index);
    }
    case NodeKind::BoolLiteral:
        return emit(node->integer ? Opcode::PushTrue : Opcode::PushFalse);
    case NodeKind::NilLiteral:
        return emit(Opcode::PushNil);
    case NodeKind::Interpolation:
        return interpolation(node);
    case NodeKind::ArrayLiteral:
        for (auto* element : node->list)
            TRY(expression(element));
        return m_function->builder.emit(Opcode::MakeArray, static_cast<u16>(node->list.size()));
    case NodeKind::MapLiteral:
        for (usize i = 0; i < node->list.size(); ++i) {
            TRY(expression(node->list[i]));
            TRY(expression(node->list2[i]));
        }
        return m_function->builder.emit(Opcode::MakeMap, static_cast<u16>(node->list.size()));
    case NodeKind::Identifier:
        return load_identifier(node);
    case NodeKind::This:
        return emit(Opcode::PushSelf);
    case NodeKind::Unary:
        if (node->op == TokenType::Tilde) {
            TRY(expression(node->a));
            TRY(push_integer(-1));
            return emit(Opcode::BitXor);
        }
        TRY(expression(node->a));
        return emit(node->op == TokenType::Minus ? Opcode::Negate : Opcode::Not);
    case NodeKind::Binary:
        TRY(expression(node->a));
        if (TRY(immediate_arithmetic(node->op, node->b, node)))
            return {};
        TRY(expression(node->b));
        TRY(mark(node->position));
        return binary_operator(node->op);
    case NodeKind::Logical: {
        TRY(expression(node->a));
        auto skip = TRY(emit_jump(node->op == TokenType::AndAnd ? Opcode::AndJump : Opcode::OrJump));
        TRY(expression(node->b));
        m_function->builder.patch_jump_to_here(skip);
        return {};
    }
    case NodeKind::Conditional: {
        Vector<Label> else_jumps;
        TRY(jump_if(node->a, false, else_jumps));
        TRY(expression(node->b));
        auto end = TRY(emit_jump(Opcode::Jump));
        patch_here(else_jumps);
        TRY(expression(node->c));
        m_function->builder.patch_jump_to_here(end);
        return {};
    }
    case NodeKind::Assign:
        return assignment(node, true);
    case NodeKind::Call:
        return call(node);
    case NodeKind::Member:
        if (node->access == VariableAccess::Global)
            return emit_name(Opcode::LoadGlobal, node->target);
        if (node->a->kind == NodeKind::This)
            return emit_name(Opcode::LoadSelfField, node->name);
        TRY(expression(node->a));
        TRY(mark(node->position));
        return emit_name(Opcode::LoadField, node->name);
    case NodeKind::Index:
        TRY(expression(node->a));
        TRY(expression(node->b));
        TRY(mark(node->position));
        return emit(Opcode::GetIndex);
    case NodeKind::Is: {
        TRY(expression(node->a));
        if (node->target.is_empty())
            return {};
        auto index = TRY(m_function->builder.add_class_name(node->target));
        return m_function->builder.emit(Opcode::InstanceOf, index);
    }
    case NodeKind::Function:
        return closure(node);
    default:
        // Errors were reported by the resolver (a range outside a loop, a bare super).
        return emit(Opcode::PushNil);
    }
}

ErrorOr<void> CodeGenerator::jump_if(Node* condition, bool when, Vector<Label>& labels)
{
    if (condition->kind == NodeKind::Logical) {
        bool is_and = condition->op == TokenType::AndAnd;
        if (is_and != when) {
            // (a && b) false: a false or b false. (a || b) true: a true or b true.
            TRY(jump_if(condition->a, when, labels));
            return jump_if(condition->b, when, labels);
        }
        // (a && b) true: a true and b true. (a || b) false: a false and b false.
        Vector<Label> skip;
        TRY(jump_if(condition->a, !when, skip));
        TRY(jump_if(condition->b, when, labels));
        patch_here(skip);
        return {};
    }
    if (condition->kind == NodeKind::Unary && condition->op == TokenType::Bang)
        return jump_if(condition->a, !when, labels);
    // x == nil and x != nil test with jump_if_nil: one instruction on the nil path, two on
    // the other, instead of three (nil is only equal to nil).
    if (condition->kind == NodeKind::Binary
        && (condition->op == TokenType::EqualEqual || condition->op == TokenType::BangEqual)
        && (condition->a->kind == NodeKind::NilLiteral || condition->b->kind == NodeKind::NilLiteral)) {
        Node* tested = condition->a->kind == NodeKind::NilLiteral ? condition->b : condition->a;
        bool jump_when_nil = (condition->op == TokenType::EqualEqual) == when;
        TRY(expression(tested));
        if (jump_when_nil)
            return labels.try_append(TRY(emit_jump(Opcode::JumpIfNil)));
        auto is_nil = TRY(emit_jump(Opcode::JumpIfNil));
        TRY(labels.try_append(TRY(emit_jump(Opcode::Jump))));
        m_function->builder.patch_jump_to_here(is_nil);
        return {};
    }
    if (condition->kind == NodeKind::BoolLiteral || condition->kind == NodeKind::NilLiteral) {
        bool value = condition->kind == NodeKind::BoolLiteral && condition->integer;
        if (value == when)
            TRY(labels.try_append(TRY(emit_jump(Opcode::Jump))));
        return {};
    }
    // A comparison that only decides this jump compiles to test_<comparison> + the jump,
    // which the interpreter runs as one step for integers.
    if (condition->kind == NodeKind::Binary) {
        TRY(expression(condition->a));
        TRY(expression(condition->b));
        TRY(mark(condition->position));
        TRY(binary_operator(condition->op, true));
        return labels.try_append(TRY(emit_jump(when ? Opcode::JumpIfTrue : Opcode::JumpIfFalse)));
    }
    TRY(expression(condition));
    return labels.try_append(TRY(emit_jump(when ? Opcode::JumpIfTrue : Opcode::JumpIfFalse)));
}

} // namespace Lang
