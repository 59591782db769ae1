/*
 * vm/lang/CodeGenerator.cpp: classes, methods, constructors and statements (expressions
 * are in CodeGeneratorExpressions.cpp).
 */
#include <vm/lang/Builtins.h>
#include <vm/lang/CodeGenerator.h>

namespace Lang {

using VM::Opcode;

ErrorOr<void> CodeGenerator::mark(SourcePosition position)
{
    if (position.line == 0)
        return {};
    return m_function->builder.mark_position(position.line, position.column);
}

ErrorOr<void> CodeGenerator::emit_name(Opcode opcode, StringView name)
{
    auto index = TRY(m_function->builder.add_name(name));
    return m_function->builder.emit_name(opcode, index);
}

ErrorOr<void> CodeGenerator::emit_send(StringView name, u8 argument_count)
{
    auto index = TRY(m_function->builder.add_name(name));
    return m_function->builder.emit_send(Opcode::Send, index, argument_count);
}

ErrorOr<void> CodeGenerator::emit_static(
    Opcode opcode, StringView class_name, StringView method_name, u8 argument_count)
{
    auto klass = TRY(m_function->builder.add_class_name(class_name));
    auto method = TRY(m_function->builder.add_name(method_name));
    return m_function->builder.emit_static(opcode, klass, method, argument_count);
}

ErrorOr<void> CodeGenerator::emit_check_type(StringView class_name)
{
    auto index = TRY(m_function->builder.add_class_name(class_name));
    return m_function->builder.emit(Opcode::CheckType, index);
}

void CodeGenerator::patch_here(Vector<Label> const& labels)
{
    for (auto label : labels)
        m_function->builder.patch_jump_to_here(label);
}

u16 CodeGenerator::allocate_scratch()
{
    u16 slot = m_function->next_scratch++;
    if (m_function->next_scratch > m_function->max_slots)
        m_function->max_slots = m_function->next_scratch;
    return slot;
}

static VM::MethodKind method_kind(FunctionKind kind)
{
    switch (kind) {
    case FunctionKind::Method:
        return VM::MethodKind::Instance;
    case FunctionKind::Constructor:
        return VM::MethodKind::Constructor;
    case FunctionKind::Closure:
        return VM::MethodKind::Function;
    default:
        return VM::MethodKind::Static;
    }
}

ErrorOr<VM::MethodImage> CodeGenerator::finish(
    FunctionState& state, StringView name, VM::MethodKind kind, u16 parameter_count)
{
    // Every path ends in a return; one more at the end covers falling off the body.
    TRY(state.builder.emit(Opcode::ReturnNil));
    state.builder.set_local_count(state.max_slots);
    String message;
    auto method = state.builder.finish(name, kind, parameter_count, &message);
    if (method.is_error()) {
        if (method.error().code() == ErrorCode::OutOfMemory)
            return method.release_error();
        // The code generator produced code the verifier rejects: a compiler bug, reported
        // as a diagnostic rather than a crash.
        m_diagnostics.errorff(state.info ? state.info->position : SourcePosition {},
            "internal compiler error in '{}': {}", name,
            message.is_empty() ? method.error().message() : message.view());
        return Error::with_message(ErrorCode::InvalidFormat, "internal compiler error"sv);
    }
    return method.release_value();
}

ErrorOr<void> CodeGenerator::emit_prologue(FunctionState& state)
{
    // Annotated parameters are checked on entry; captured ones move into boxes.
    for (auto* parameter : state.scope->parameters) {
        if (m_options.runtime_type_checks && parameter->annotated && !parameter->check_class.is_empty()) {
            TRY(emit_local(Opcode::LoadLocal, parameter->slot));
            TRY(emit_check_type(parameter->check_class));
            TRY(emit(Opcode::Pop));
        }
        if (parameter->captured)
            TRY(emit_local(Opcode::MakeBox, parameter->slot));
    }
    return {};
}

ErrorOr<VM::MethodImage> CodeGenerator::generate_method(FunctionInfo* function, VM::ClassImage& image)
{
    FunctionState state;
    state.scope = function->scope;
    state.info = function;
    state.image = &image;
    state.next_scratch = function->scope->slot_count;
    state.max_slots = function->scope->slot_count;
    auto* saved = m_function;
    m_function = &state;
    auto result = [&]() -> ErrorOr<void> {
        TRY(mark(function->position));
        TRY(emit_prologue(state));
        if (function->kind == FunctionKind::Main) {
            // The program's main first runs the top-level code of every imported file.
            if (m_module == m_modules[0]) {
                for (auto* module : m_resolver.initialization_order()) {
                    if (module == m_module)
                        continue;
                    TRY(emit_static(Opcode::CallStatic, module->name, "main"sv, 0));
                    TRY(emit(Opcode::Pop));
                }
            }
            for (auto* klass : m_module->classes)
                TRY(emit_field_initializers(klass, true));
        }
        return block(function->body);
    }();
    m_function = saved;
    TRY(result);
    return finish(
        state, function->name, method_kind(function->kind), static_cast<u16>(function->parameters.size()));
}

ErrorOr<void> CodeGenerator::emit_field_initializers(ClassInfo* klass, bool statics)
{
    for (auto* field : klass->fields) {
        bool is_static = (field->flags & NodeFlagStatic) != 0;
        if (is_static != statics || !field->a)
            continue;
        TRY(mark(field->position));
        TRY(expression(field->a));
        if (statics)
            TRY(emit_name(Opcode::StoreGlobal, field->target));
        else
            TRY(emit_name(Opcode::StoreSelfField, field->name));
    }
    return {};
}

ErrorOr<VM::MethodImage> CodeGenerator::generate_constructor(
    ClassInfo* klass, FunctionInfo* explicit_constructor, VM::ClassImage& image)
{
    FunctionState state;
    FunctionScope synthesized_scope;
    FunctionInfo synthesized_info;
    FunctionInfo* inherited = klass->superclass ? Resolver::find_constructor(klass->superclass) : nullptr;
    if (explicit_constructor) {
        state.scope = explicit_constructor->scope;
        state.info = explicit_constructor;
    } else {
        synthesized_info.name = "init"sv;
        synthesized_info.kind = FunctionKind::Constructor;
        synthesized_info.position = klass->position;
        synthesized_scope.info = &synthesized_info;
        synthesized_scope.klass = klass;
        u16 parameter_count = inherited ? static_cast<u16>(inherited->parameters.size()) : 0;
        synthesized_scope.slot_count = static_cast<u16>(1 + parameter_count);
        for (u16 i = 0; i < parameter_count; ++i)
            TRY(synthesized_info.parameters.try_append(inherited->parameters[i]));
        state.scope = &synthesized_scope;
        state.info = &synthesized_info;
    }
    state.image = &image;
    state.next_scratch = state.scope->slot_count;
    state.max_slots = state.scope->slot_count;
    // A superclass that only initialises fields has a synthesized `init` of no arguments.
    bool super_initializes_fields = !inherited && Resolver::chain_initializes_fields(klass->superclass);
    auto call_super_init_without_arguments = [&]() -> ErrorOr<void> {
        TRY(emit(Opcode::PushSelf));
        auto name = TRY(m_function->builder.add_name("init"sv));
        TRY(m_function->builder.emit_send(Opcode::SuperSend, name, 0));
        return emit(Opcode::Pop);
    };
    auto* saved = m_function;
    m_function = &state;
    auto result = [&]() -> ErrorOr<void> {
        TRY(mark(state.info->position));
        if (explicit_constructor)
            TRY(emit_prologue(state));
        TRY(emit_field_initializers(klass, false));
        if (!explicit_constructor) {
            // Forward the arguments to the inherited constructor.
            if (inherited) {
                TRY(emit(Opcode::PushSelf));
                for (u16 i = 0; i < inherited->parameters.size(); ++i)
                    TRY(emit_local(Opcode::LoadLocal, static_cast<u16>(i + 1)));
                auto name = TRY(m_function->builder.add_name("init"sv));
                TRY(m_function->builder.emit_send(
                    Opcode::SuperSend, name, static_cast<u8>(inherited->parameters.size())));
                TRY(emit(Opcode::Pop));
            } else if (super_initializes_fields) {
                TRY(call_super_init_without_arguments());
            }
            return {};
        }
        if (!state.scope->calls_super_init && super_initializes_fields)
            TRY(call_super_init_without_arguments());
        if (!state.scope->calls_super_init && inherited) {
            if (!inherited->parameters.is_empty()) {
                m_diagnostics.errorff(explicit_constructor->position,
                    "the constructor of '{}' must call super(...): the constructor of '{}' takes {} "
                    "argument{}",
                    klass->name, klass->superclass_name, inherited->parameters.size(),
                    inherited->parameters.size() == 1 ? ""sv : "s"sv);
            } else {
                TRY(call_super_init_without_arguments());
            }
        }
        return block(explicit_constructor->body);
    }();
    m_function = saved;
    TRY(result);
    return finish(
        state, "init"sv, VM::MethodKind::Constructor, static_cast<u16>(state.info->parameters.size()));
}

ErrorOr<VM::ClassImage> CodeGenerator::generate_class(ClassInfo* klass)
{
    VM::ClassImage image;
    m_class = klass;
    image.name = TRY(String::from_view(klass->name));
    if (klass->superclass_name != "Object"sv)
        image.superclass_name = TRY(String::from_view(klass->superclass_name));
    auto const& files = m_diagnostics.files();
    if (klass->file < files.size())
        image.source_file = TRY(String::from_view(files[klass->file].path));
    for (auto* field : klass->fields) {
        if (field->flags & NodeFlagStatic)
            continue;
        VM::FieldImage field_image;
        field_image.name = TRY(String::from_view(field->name));
        if (field->type.is_present()) {
            auto meaning = builtin_annotation(field->type.name);
            field_image.type_name
                = TRY(String::from_view(meaning.known ? meaning.check_class : field->type.name));
        }
        TRY(image.fields.try_append(move(field_image)));
    }
    FunctionInfo* explicit_constructor = nullptr;
    bool has_instance_initializers = false;
    for (auto* field : klass->fields) {
        if (!(field->flags & NodeFlagStatic) && field->a)
            has_instance_initializers = true;
    }
    for (auto* method : klass->methods) {
        auto* function = method->function;
        if (function->kind == FunctionKind::Constructor) {
            explicit_constructor = function;
            continue;
        }
        TRY(image.methods.try_append(TRY(generate_method(function, image))));
    }
    if (klass->is_synthesized)
        TRY(image.methods.try_append(TRY(generate_method(klass->module->main, image))));
    else if (explicit_constructor || has_instance_initializers)
        TRY(image.methods.try_append(TRY(generate_constructor(klass, explicit_constructor, image))));
    return image;
}

ErrorOr<VM::ProgramImage> CodeGenerator::generate()
{
    VM::ProgramImage program;
    for (auto* module : m_modules) {
        m_module = module;
        for (auto* klass : module->classes) {
            usize errors_before = m_diagnostics.error_count();
            auto image = generate_class(klass);
            if (image.is_error()) {
                if (image.error().code() == ErrorCode::OutOfMemory)
                    return image.release_error();
                // A limit of the class image format (too many constants, locals or code
                // bytes in one method) that no earlier check caught.
                if (m_diagnostics.error_count() == errors_before)
                    m_diagnostics.errorff(klass->position, "'{}' is too large to compile: {}", klass->name,
                        image.error().message());
                continue;
            }
            TRY(program.classes.try_append(image.release_value()));
        }
    }
    if (!m_modules.is_empty())
        program.main_class = TRY(String::from_view(m_modules[0]->name));
    return program;
}

// Statements.

ErrorOr<void> CodeGenerator::block(Node* node)
{
    if (!node)
        return {};
    if (node->kind != NodeKind::Block)
        return statement(node);
    for (auto* child : node->list)
        TRY(statement(child));
    return {};
}

ErrorOr<void> CodeGenerator::statement(Node* node)
{
    if (!node)
        return {};
    TRY(mark(node->position));
    switch (node->kind) {
    case NodeKind::ExpressionStatement:
        if (node->a->kind == NodeKind::Assign)
            return assignment(node->a, false);
        TRY(expression(node->a));
        return emit(Opcode::Pop);
    case NodeKind::VarDecl:
        return var_declaration(node);
    case NodeKind::Block:
        return block(node);
    case NodeKind::If:
        return if_statement(node);
    case NodeKind::While:
        return while_statement(node);
    case NodeKind::For:
        return for_statement(node);
    case NodeKind::ForIn:
        return node->a->kind == NodeKind::Range ? for_range_statement(node) : for_in_statement(node);
    case NodeKind::Return:
        return return_statement(node);
    case NodeKind::Break:
    case NodeKind::Continue:
        return jump_out_of_loop(node);
    case NodeKind::Throw:
        TRY(expression(node->a));
        TRY(mark(node->position));
        return emit(Opcode::Throw);
    case NodeKind::Try:
        return try_statement(node);
    case NodeKind::FunctionDecl:
        return nested_function(node);
    default:
        return {};
    }
}

ErrorOr<void> CodeGenerator::var_declaration(Node* node)
{
    auto* declared = node->variable;
    if (declared && declared->captured && node->a && node->a->kind == NodeKind::Function) {
        // The closure may capture its own variable: the box must exist before it is made.
        TRY(emit(Opcode::PushNil));
        TRY(emit_local(Opcode::StoreLocal, declared->slot));
        TRY(emit_local(Opcode::MakeBox, declared->slot));
        TRY(expression(node->a));
        return emit_local(Opcode::StoreBox, declared->slot);
    }
    if (node->a)
        TRY(expression(node->a));
    else
        TRY(emit(Opcode::PushNil));
    if (node->access == VariableAccess::Global) {
        return emit_name(Opcode::StoreGlobal, node->target);
    }
    auto* variable = node->variable;
    if (!variable)
        return emit(Opcode::Pop);
    if (m_options.runtime_type_checks && variable->annotated && !variable->check_class.is_empty() && node->a
        && !node->a->static_type.is_known())
        TRY(emit_check_type(variable->check_class));
    TRY(emit_local(Opcode::StoreLocal, variable->slot));
    if (variable->captured)
        TRY(emit_local(Opcode::MakeBox, variable->slot));
    return {};
}

ErrorOr<void> CodeGenerator::nested_function(Node* node)
{
    auto* variable = node->variable;
    if (!variable)
        return {};
    // The box exists before the closure is made, so the function can call itself.
    if (variable->captured) {
        TRY(emit(Opcode::PushNil));
        TRY(emit_local(Opcode::StoreLocal, variable->slot));
        TRY(emit_local(Opcode::MakeBox, variable->slot));
    }
    Node expression_node {};
    expression_node.kind = NodeKind::Function;
    expression_node.position = node->position;
    expression_node.function = node->function;
    TRY(closure(&expression_node));
    return emit_local(variable->captured ? Opcode::StoreBox : Opcode::StoreLocal, variable->slot);
}

ErrorOr<void> CodeGenerator::if_statement(Node* node)
{
    Vector<Label> else_jumps;
    TRY(jump_if(node->a, false, else_jumps));
    TRY(statement(node->b));
    if (!node->c) {
        patch_here(else_jumps);
        return {};
    }
    auto end = TRY(emit_jump(Opcode::Jump));
    patch_here(else_jumps);
    TRY(statement(node->c));
    m_function->builder.patch_jump_to_here(end);
    return {};
}

// Loops test at the bottom: jump to the test once, then each iteration ends with one
// conditional backward jump to the body.
ErrorOr<void> CodeGenerator::while_statement(Node* node)
{
    auto to_test = TRY(emit_jump(Opcode::Jump));
    u32 body = offset();
    TRY(m_function->loops.try_append(Loop {{}, {}, m_function->finally_blocks.size()}));
    TRY(statement(node->b));
    auto loop = m_function->loops.take_last();
    patch_here(loop.continues);
    m_function->builder.patch_jump_to_here(to_test);
    TRY(mark(node->a->position));
    Vector<Label> back;
    TRY(jump_if(node->a, true, back));
    for (auto label : back)
        m_function->builder.patch_jump(label, body);
    patch_here(loop.breaks);
    return {};
}

ErrorOr<void> CodeGenerator::for_statement(Node* node)
{
    TRY(statement(node->a));
    auto to_test = TRY(emit_jump(Opcode::Jump));
    u32 body = offset();
    TRY(m_function->loops.try_append(Loop {{}, {}, m_function->finally_blocks.size()}));
    TRY(statement(node->d));
    auto loop = m_function->loops.take_last();
    patch_here(loop.continues);
    if (node->c)
        TRY(statement(node->c));
    m_function->builder.patch_jump_to_here(to_test);
    if (node->b) {
        TRY(mark(node->b->position));
        Vector<Label> back;
        TRY(jump_if(node->b, true, back));
        for (auto label : back)
            m_function->builder.patch_jump(label, body);
    } else {
        TRY(m_function->builder.emit_jump_to(Opcode::Jump, body));
    }
    patch_here(loop.breaks);
    return {};
}

// for (i in a..<b): the loop variable's own slot counts (unless a closure captures it, then a
// hidden counter feeds a fresh box per iteration); a literal bound needs no slot.
ErrorOr<void> CodeGenerator::for_range_statement(Node* node)
{
    auto* range = node->a;
    auto* variable = node->variable;
    u16 counter = variable->captured ? node->index2 : variable->slot;
    bool literal_end = range->b->kind == NodeKind::IntegerLiteral && range->b->integer >= -32768
        && range->b->integer <= 32767;
    TRY(expression(range->a));
    TRY(emit_local(Opcode::StoreLocal, counter));
    if (!literal_end) {
        TRY(expression(range->b));
        TRY(emit_local(Opcode::StoreLocal, node->index3));
    }
    auto to_test = TRY(emit_jump(Opcode::Jump));
    u32 body = offset();
    if (variable->captured) {
        TRY(emit_local(Opcode::LoadLocal, counter));
        TRY(emit_local(Opcode::StoreLocal, variable->slot));
        TRY(emit_local(Opcode::MakeBox, variable->slot));
    }
    TRY(m_function->loops.try_append(Loop {{}, {}, m_function->finally_blocks.size()}));
    TRY(statement(node->d));
    auto loop = m_function->loops.take_last();
    patch_here(loop.continues);
    TRY(emit_local(Opcode::LoadLocal, counter));
    TRY(m_function->builder.emit(Opcode::AddInt, 1));
    TRY(emit_local(Opcode::StoreLocal, counter));
    m_function->builder.patch_jump_to_here(to_test);
    TRY(emit_local(Opcode::LoadLocal, counter));
    if (literal_end)
        TRY(m_function->builder.emit_push_int(static_cast<i16>(range->b->integer)));
    else
        TRY(emit_local(Opcode::LoadLocal, node->index3));
    TRY(emit((range->flags & NodeFlagInclusive) ? Opcode::TestLessEqual : Opcode::TestLess));
    TRY(m_function->builder.emit_jump_to(Opcode::JumpIfTrue, body));
    patch_here(loop.breaks);
    return {};
}

// for (x in collection) visits the elements of an array (or the keys of a map), by index
// over the size taken when the loop starts. for (a, b in collection) gives index and element
// for an array and key and value for a map.
ErrorOr<void> CodeGenerator::for_in_statement(Node* node)
{
    u16 collection = node->index;
    u16 position = node->index2;
    u16 end = node->index3;
    u16 original = node->index4;
    bool two = node->variable2 != nullptr;
    TRY(expression(node->a));
    TRY(emit_local(Opcode::StoreLocal, collection));
    if (two) {
        TRY(emit(Opcode::PushNil));
        TRY(emit_local(Opcode::StoreLocal, original));
    }
    TRY(emit_local(Opcode::LoadLocal, collection));
    TRY(m_function->builder.emit(Opcode::InstanceOf, TRY(m_function->builder.add_class_name("Map"sv))));
    auto not_map = TRY(emit_jump(Opcode::JumpIfFalse));
    if (two) {
        TRY(emit_local(Opcode::LoadLocal, collection));
        TRY(emit_local(Opcode::StoreLocal, original));
    }
    TRY(emit_local(Opcode::LoadLocal, collection));
    TRY(emit_send("keys"sv, 0));
    TRY(emit_local(Opcode::StoreLocal, collection));
    m_function->builder.patch_jump_to_here(not_map);
    TRY(emit_local(Opcode::LoadLocal, collection));
    TRY(emit_send("length"sv, 0));
    TRY(emit_local(Opcode::StoreLocal, end));
    TRY(m_function->builder.emit_push_int(0));
    TRY(emit_local(Opcode::StoreLocal, position));
    auto to_test = TRY(emit_jump(Opcode::Jump));
    u32 body = offset();
    auto* first = node->variable;
    auto* second = node->variable2;
    if (!two) {
        TRY(emit_local(Opcode::LoadLocal, collection));
        TRY(emit_local(Opcode::LoadLocal, position));
        TRY(emit(Opcode::GetIndex));
        TRY(emit_local(Opcode::StoreLocal, first->slot));
    } else {
        TRY(emit_local(Opcode::LoadLocal, original));
        auto array_case = TRY(emit_jump(Opcode::JumpIfNil));
        TRY(emit_local(Opcode::LoadLocal, collection));
        TRY(emit_local(Opcode::LoadLocal, position));
        TRY(emit(Opcode::GetIndex));
        TRY(emit(Opcode::Dup));
        TRY(emit_local(Opcode::StoreLocal, first->slot));
        TRY(emit_local(Opcode::LoadLocal, original));
        TRY(emit(Opcode::Swap));
        TRY(emit(Opcode::GetIndex));
        TRY(emit_local(Opcode::StoreLocal, second->slot));
        auto done = TRY(emit_jump(Opcode::Jump));
        m_function->builder.patch_jump_to_here(array_case);
        TRY(emit_local(Opcode::LoadLocal, position));
        TRY(emit_local(Opcode::StoreLocal, first->slot));
        TRY(emit_local(Opcode::LoadLocal, collection));
        TRY(emit_local(Opcode::LoadLocal, position));
        TRY(emit(Opcode::GetIndex));
        TRY(emit_local(Opcode::StoreLocal, second->slot));
        m_function->builder.patch_jump_to_here(done);
        if (second->captured)
            TRY(emit_local(Opcode::MakeBox, second->slot));
    }
    if (first->captured)
        TRY(emit_local(Opcode::MakeBox, first->slot));
    TRY(m_function->loops.try_append(Loop {{}, {}, m_function->finally_blocks.size()}));
    TRY(statement(node->d));
    auto loop = m_function->loops.take_last();
    patch_here(loop.continues);
    TRY(emit_local(Opcode::LoadLocal, position));
    TRY(m_function->builder.emit(Opcode::AddInt, 1));
    TRY(emit_local(Opcode::StoreLocal, position));
    m_function->builder.patch_jump_to_here(to_test);
    TRY(emit_local(Opcode::LoadLocal, position));
    TRY(emit_local(Opcode::LoadLocal, end));
    TRY(emit(Opcode::TestLess));
    TRY(m_function->builder.emit_jump_to(Opcode::JumpIfTrue, body));
    patch_here(loop.breaks);
    return {};
}

// Copies the finally blocks entered since `down_to` (innermost first) onto a path that
// leaves them by break, continue or return. While a block is copied it is not active, so
// a jump inside it does not copy it again.
ErrorOr<void> CodeGenerator::emit_finally_blocks(usize down_to)
{
    auto& blocks = m_function->finally_blocks;
    Vector<Node*> saved;
    TRY(saved.try_extend(blocks));
    for (usize i = blocks.size(); i > down_to; --i) {
        Node* finally_block = saved[i - 1];
        blocks.shrink(i - 1);
        auto result = block(finally_block);
        blocks.clear_with_capacity();
        TRY(blocks.try_extend(saved));
        TRY(result);
    }
    return {};
}

ErrorOr<void> CodeGenerator::jump_out_of_loop(Node* node)
{
    if (m_function->loops.is_empty())
        return {};
    TRY(emit_finally_blocks(m_function->loops.last().finally_depth));
    auto label = TRY(emit_jump(Opcode::Jump));
    auto& loop = m_function->loops.last();
    if (node->kind == NodeKind::Break)
        return loop.breaks.try_append(label);
    return loop.continues.try_append(label);
}

ErrorOr<void> CodeGenerator::return_statement(Node* node)
{
    bool has_finally = !m_function->finally_blocks.is_empty();
    bool is_constructor = m_function->info && m_function->info->kind == FunctionKind::Constructor;
    if (!node->a || is_constructor) {
        TRY(emit_finally_blocks(0));
        return emit(Opcode::ReturnNil);
    }
    TRY(expression(node->a));
    if (m_options.runtime_type_checks && m_function->info && !node->a->static_type.is_known()) {
        auto check_class = m_resolver.check_class_for(m_function->info->return_type);
        if (!check_class.is_empty())
            TRY(emit_check_type(check_class));
    }
    if (!has_finally)
        return emit(Opcode::Return);
    u16 value = allocate_scratch();
    TRY(emit_local(Opcode::StoreLocal, value));
    TRY(emit_finally_blocks(0));
    TRY(emit_local(Opcode::LoadLocal, value));
    release_scratch(1);
    return emit(Opcode::Return);
}

// try { body } catch (e: Class) { ... } finally { ... }
//   body; [finally]; jump end
//   handler per catch (range: body): store e; catch body; [finally]; jump end
//   with finally, a catch-any handler over the body and the catch bodies (not over the
//   copies of the finally code): store the exception, run finally, rethrow it.
ErrorOr<void> CodeGenerator::try_statement(Node* node)
{
    struct Range {
        u32 start;
        u32 end;
    };
    Vector<Range> protected_ranges;
    Vector<Label> to_end;
    u32 body_start = offset();
    if (node->c)
        TRY(m_function->finally_blocks.try_append(node->c));
    TRY(statement(node->a));
    u32 body_end = offset();
    if (node->c)
        m_function->finally_blocks.shrink(m_function->finally_blocks.size() - 1);
    TRY(protected_ranges.try_append({body_start, body_end}));
    if (node->c)
        TRY(block(node->c));
    TRY(to_end.try_append(TRY(emit_jump(Opcode::Jump))));
    for (auto* clause : node->list) {
        u32 handler = offset();
        StringView catch_class = clause->type.is_present() ? clause->type.name : StringView {};
        if (body_end > body_start)
            TRY(m_function->builder.add_handler(body_start, body_end, handler, catch_class, 0));
        TRY(mark(clause->position));
        if (clause->variable) {
            TRY(emit_local(Opcode::StoreLocal, clause->variable->slot));
            if (clause->variable->captured)
                TRY(emit_local(Opcode::MakeBox, clause->variable->slot));
        } else {
            TRY(emit(Opcode::Pop));
        }
        if (node->c)
            TRY(m_function->finally_blocks.try_append(node->c));
        u32 clause_start = offset();
        TRY(statement(clause->a));
        u32 clause_end = offset();
        if (node->c)
            m_function->finally_blocks.shrink(m_function->finally_blocks.size() - 1);
        TRY(protected_ranges.try_append({clause_start, clause_end}));
        if (node->c)
            TRY(block(node->c));
        TRY(to_end.try_append(TRY(emit_jump(Opcode::Jump))));
    }
    if (node->c) {
        u32 handler = offset();
        for (auto const& range : protected_ranges) {
            if (range.end > range.start)
                TRY(m_function->builder.add_handler(range.start, range.end, handler, {}, 0));
        }
        u16 exception = allocate_scratch();
        TRY(emit_local(Opcode::StoreLocal, exception));
        TRY(block(node->c));
        TRY(emit_local(Opcode::LoadLocal, exception));
        TRY(emit(Opcode::Throw));
        release_scratch(1);
    }
    patch_here(to_end);
    return {};
}

} // namespace Lang
