/*
 * vm/lang/Resolver.cpp: classes, modules, functions, scopes and statements (expressions are
 * in ResolverExpressions.cpp).
 */
#include <vm/lang/Builtins.h>
#include <vm/lang/Resolver.h>

namespace Lang {

ErrorOr<void> Resolver::enter(SourcePosition position)
{
    if (++m_depth > max_depth) {
        --m_depth;
        if (!m_too_deep)
            m_diagnostics.error(
                position, "this code is nested too deeply to compile; split it into functions"sv);
        m_too_deep = true;
        return Error::with_message(ErrorCode::OutOfRange, "too deep"sv);
    }
    return {};
}

ClassInfo* Resolver::find_class(StringView name) const
{
    for (auto* klass : m_classes) {
        if (klass->name == name)
            return klass;
    }
    return nullptr;
}

StringView Resolver::check_class_for(TypeAnnotation const& annotation) const
{
    if (!annotation.is_present())
        return {};
    auto meaning = builtin_annotation(annotation.name);
    if (meaning.known)
        return meaning.check_class;
    if (auto* klass = find_class(annotation.name); klass && !klass->is_synthesized)
        return klass->name;
    if (is_builtin_class(annotation.name))
        return annotation.name;
    return {};
}

Node* Resolver::find_field(ClassInfo* klass, StringView name, ClassInfo** owner)
{
    for (u32 guard = 0; klass && guard < 10000; klass = klass->superclass, ++guard) {
        for (auto* field : klass->fields) {
            if (field->name == name) {
                if (owner)
                    *owner = klass;
                return field;
            }
        }
    }
    return nullptr;
}

FunctionInfo* Resolver::find_method(ClassInfo* klass, StringView name)
{
    for (u32 guard = 0; klass && guard < 10000; klass = klass->superclass, ++guard) {
        for (auto* method : klass->methods) {
            if (method->function->name == name && method->function->kind != FunctionKind::Constructor)
                return method->function;
        }
    }
    return nullptr;
}

FunctionInfo* Resolver::find_constructor(ClassInfo* klass)
{
    for (u32 guard = 0; klass && guard < 10000; klass = klass->superclass, ++guard) {
        for (auto* method : klass->methods) {
            if (method->function->kind == FunctionKind::Constructor)
                return method->function;
        }
    }
    return nullptr;
}

bool Resolver::chain_initializes_fields(ClassInfo* klass)
{
    for (u32 guard = 0; klass && guard < 10000; klass = klass->superclass, ++guard) {
        for (auto* field : klass->fields) {
            if (!(field->flags & NodeFlagStatic) && field->a)
                return true;
        }
    }
    return false;
}

bool Resolver::chain_fully_known(ClassInfo* klass)
{
    for (u32 guard = 0; klass && guard < 10000; klass = klass->superclass, ++guard) {
        if (!klass->superclass && !klass->superclass_name.is_empty() && klass->superclass_name != "Object"sv)
            return false;
    }
    return true;
}

bool Resolver::is_subclass(ClassInfo* klass, ClassInfo* ancestor)
{
    for (u32 guard = 0; klass && guard < 10000; klass = klass->superclass, ++guard) {
        if (klass == ancestor)
            return true;
    }
    return false;
}

ErrorOr<void> Resolver::declare_classes()
{
    for (auto* module : m_modules) {
        for (auto* klass : module->classes) {
            if (auto* existing = find_class(klass->name)) {
                if (klass->is_synthesized || existing->is_synthesized)
                    m_diagnostics.errorff(klass->position,
                        "the name '{}' is used both by a file and by a class; rename one of them",
                        klass->name);
                else
                    m_diagnostics.errorff(klass->position, "class '{}' is already declared", klass->name);
                continue;
            }
            if (is_builtin_global(klass->name)) {
                m_diagnostics.errorff(klass->position, "'{}' is a built-in variable; rename the {}",
                    klass->name, klass->is_synthesized ? "file"sv : "class"sv);
                continue;
            }
            if (is_builtin_class(klass->name)) {
                m_diagnostics.errorff(
                    klass->position, "'{}' is a built-in class; choose another name", klass->name);
                continue;
            }
            TRY(m_classes.try_append(klass));
        }
    }
    for (auto* klass : m_classes)
        TRY(link_superclass(klass));
    return {};
}

ErrorOr<void> Resolver::link_superclass(ClassInfo* klass)
{
    if (klass->superclass_name.is_empty() || klass->superclass_name == "Object"sv)
        return {};
    if (auto* superclass = find_class(klass->superclass_name); superclass && !superclass->is_synthesized) {
        // Walk up to make sure the chain does not come back to this class.
        for (auto* ancestor = superclass; ancestor; ancestor = ancestor->superclass) {
            if (ancestor == klass) {
                m_diagnostics.errorff(
                    klass->superclass_position, "class '{}' inherits from itself", klass->name);
                return {};
            }
        }
        klass->superclass = superclass;
        return {};
    }
    if (is_builtin_class(klass->superclass_name)) {
        if (!builtin_class_is_extensible(klass->superclass_name))
            m_diagnostics.errorff(klass->superclass_position, "the built-in class '{}' cannot be extended",
                klass->superclass_name);
        return {};
    }
    // A class the running VM has (the loader checks it again when the class is loaded).
    if (m_environment && m_environment->has_class(klass->superclass_name))
        return {};
    m_diagnostics.errorff(klass->superclass_position, "unknown superclass '{}'", klass->superclass_name);
    return {};
}

ErrorOr<void> Resolver::link_imports()
{
    for (auto* module : m_modules) {
        for (auto* import : module->imports) {
            Module* target = nullptr;
            for (auto* candidate : m_modules) {
                if (candidate->stem == import->name)
                    target = candidate;
            }
            if (!target) {
                // The compiler driver reports files it could not load; this is a safety net.
                m_diagnostics.errorff(import->position, "cannot find the module '{}'", import->name);
                continue;
            }
            if (target == module) {
                m_diagnostics.error(import->position, "a file cannot import itself"sv);
                continue;
            }
            if (!module->imported.find_first_index(target).has_value())
                TRY(module->imported.try_append(target));
        }
    }
    return {};
}

// Post-order over imports: a module's imports initialise before it. Cycles are cut at the
// module already being visited.
ErrorOr<void> Resolver::order_module(Module* module)
{
    if (module->initialized)
        return {};
    module->initialized = true;
    // Import chains are bounded by the number of files; recursion depth is too.
    for (auto* imported : module->imported)
        TRY(order_module(imported));
    TRY(m_initialization_order.try_append(module));
    return {};
}

ErrorOr<void> Resolver::check_class(ClassInfo* klass)
{
    for (usize i = 0; i < klass->fields.size(); ++i) {
        auto* field = klass->fields[i];
        for (usize j = 0; j < i; ++j) {
            if (klass->fields[j]->name == field->name)
                m_diagnostics.errorff(field->position, "field '{}' is already declared in class '{}'",
                    field->name, klass->name);
        }
        if (!(field->flags & NodeFlagStatic) && klass->superclass) {
            ClassInfo* owner = nullptr;
            if (find_field(klass->superclass, field->name, &owner))
                m_diagnostics.errorff(field->position, "field '{}' is already declared in superclass '{}'",
                    field->name, owner->name);
        }
        if (field->flags & NodeFlagStatic) {
            StringBuilder builder;
            TRY(builder.try_appendff("{}.{}", klass->name, field->name));
            field->target = TRY(m_arena.intern(builder.string_view()));
            field->access = VariableAccess::Global;
        } else {
            field->access = VariableAccess::Field;
        }
        field->static_type = annotation_type(field->type);
    }
    bool has_constructor = false;
    for (usize i = 0; i < klass->methods.size(); ++i) {
        auto* function = klass->methods[i]->function;
        if (function->kind == FunctionKind::Constructor) {
            if (has_constructor)
                m_diagnostics.errorff(
                    function->position, "class '{}' already has a constructor (init)", klass->name);
            has_constructor = true;
            continue;
        }
        for (usize j = 0; j < i; ++j) {
            if (klass->methods[j]->function->name == function->name) {
                if (klass->is_synthesized)
                    m_diagnostics.errorff(
                        function->position, "function '{}' is already declared in this file", function->name);
                else
                    m_diagnostics.errorff(function->position, "method '{}' is already declared in class '{}'",
                        function->name, klass->name);
            }
        }
        for (auto* field : klass->fields) {
            if (field->name == function->name)
                m_diagnostics.errorff(function->position, "'{}' is both a field and a method of class '{}'",
                    function->name, klass->name);
        }
        if (function->name == "main"sv && klass->is_synthesized)
            m_diagnostics.error(function->position,
                "'main' is the name of a file's top-level code; give this function another name"sv);
    }
    return {};
}

ErrorOr<void> Resolver::resolve()
{
    TRY(declare_classes());
    TRY(link_imports());
    if (!m_modules.is_empty()) {
        for (usize i = m_modules.size(); i > 1; --i)
            TRY(order_module(m_modules[i - 1]));
        // The program's own file runs last, after everything it depends on.
        for (auto* imported : m_modules[0]->imported)
            TRY(order_module(imported));
        m_modules[0]->initialized = false;
        m_initialization_order.remove_all_matching([&](Module* module) { return module == m_modules[0]; });
        TRY(m_initialization_order.try_append(m_modules[0]));
    }
    for (auto* klass : m_classes)
        TRY(check_class(klass));
    for (auto* module : m_modules) {
        for (auto* method : module->file_class->methods) {
            if (!module->top_level_functions.contains(method->function->name))
                TRY(module->top_level_functions.try_set(method->function->name, method->function));
        }
        for (auto* statement : module->statements) {
            if (statement->kind == NodeKind::VarDecl
                && !module->top_level_variables.contains(statement->name))
                TRY(module->top_level_variables.try_set(statement->name, statement));
        }
    }
    // An evaluated input's variables are the VM's globals, named as written, so that later
    // inputs (compiled separately) find them.
    if (m_evaluation && !m_modules.is_empty()) {
        for (auto* statement : m_modules[0]->statements) {
            if (statement->kind != NodeKind::VarDecl)
                continue;
            statement->access = VariableAccess::Global;
            statement->target = statement->name;
        }
    }

    // Methods and functions first: they decide which top-level variables must be globals.
    for (auto* module : m_modules) {
        for (auto* klass : module->classes) {
            for (auto* field : klass->fields) {
                if (!field->a)
                    continue;
                // Field initialisers run in the constructor (static ones in the file's main).
                FunctionInfo holder;
                holder.name = "init"sv;
                holder.kind
                    = (field->flags & NodeFlagStatic) ? FunctionKind::Static : FunctionKind::Constructor;
                FunctionScope scope;
                scope.info = &holder;
                scope.module = module;
                scope.klass = klass;
                scope.is_static = (field->flags & NodeFlagStatic) != 0;
                FunctionContext context;
                context.scope = &scope;
                m_function = &context;
                push_block();
                auto type = resolve_expression(field->a);
                pop_block();
                m_function = nullptr;
                if (type.is_error() && type.error().code() == ErrorCode::OutOfMemory)
                    return type.release_error();
                if (!type.is_error() && field->type.is_present())
                    check_assignable(field->static_type, type.value(), field->a->position, field->name);
                if (scope.slot_count > 1 || !scope.captures.is_empty())
                    m_diagnostics.error(
                        field->a->position, "a field's initial value cannot declare variables"sv);
            }
            for (auto* method : klass->methods)
                TRY(resolve_function(method->function, nullptr, klass, module));
        }
    }
    m_resolving_main = true;
    for (auto* module : m_modules)
        TRY(resolve_function(module->main, nullptr, module->file_class, module));
    m_resolving_main = false;
    return {};
}

void Resolver::push_block()
{
    Block block;
    block.first_slot = m_function->next_slot;
    (void)m_function->blocks.try_append(move(block));
}

void Resolver::pop_block()
{
    if (m_function->blocks.is_empty())
        return;
    auto block = m_function->blocks.take_last();
    m_function->next_slot = block.first_slot;
}

ErrorOr<Variable*> Resolver::declare_local(StringView name, SourcePosition position, bool constant)
{
    auto& block = m_function->blocks.last();
    for (auto* existing : block.variables) {
        if (existing->name == name) {
            m_diagnostics.errorff(position, "'{}' is already declared in this scope", name);
            break;
        }
    }
    auto* variable = TRY(m_arena.make_variable());
    variable->name = name;
    variable->position = position;
    variable->constant = constant;
    variable->owner = m_function->scope;
    if (m_function->next_slot >= 60000) {
        m_diagnostics.error(position, "this function has too many local variables"sv);
    } else {
        variable->slot = m_function->next_slot++;
    }
    if (m_function->next_slot > m_function->scope->slot_count)
        m_function->scope->slot_count = m_function->next_slot;
    TRY(block.variables.try_append(variable));
    return variable;
}

Module* Resolver::module_of_context() const { return m_function ? m_function->scope->module : nullptr; }

ErrorOr<void> Resolver::resolve_function(
    FunctionInfo* function, FunctionContext* enclosing, ClassInfo* klass, Module* module)
{
    auto* scope = TRY(m_arena.make_scope());
    function->scope = scope;
    scope->info = function;
    scope->enclosing = enclosing ? enclosing->scope : nullptr;
    scope->module = module;
    scope->klass = klass;
    switch (function->kind) {
    case FunctionKind::TopLevel:
    case FunctionKind::Static:
    case FunctionKind::Main:
        scope->is_static = true;
        break;
    case FunctionKind::Closure:
        scope->is_static = enclosing ? enclosing->scope->is_static : true;
        break;
    default:
        scope->is_static = false;
        break;
    }
    FunctionContext context;
    context.scope = scope;
    context.enclosing = enclosing;
    auto* saved = m_function;
    m_function = &context;
    push_block();
    for (auto const& parameter : function->parameters) {
        auto* variable = TRY(declare_local(parameter.name, parameter.position, false));
        if (parameter.type.is_present()) {
            variable->annotated = true;
            variable->type = annotation_type(parameter.type);
            variable->check_class = check_class_for(parameter.type);
        }
        TRY(scope->parameters.try_append(variable));
    }
    if (function->return_type.is_present())
        (void)annotation_type(function->return_type);
    auto result = resolve_block(function->body, false);
    pop_block();
    m_function = saved;
    if (result.is_error() && result.error().code() == ErrorCode::OutOfMemory)
        return result.release_error();
    return {};
}

ErrorOr<void> Resolver::resolve_block(Node* block, bool new_scope)
{
    if (!block)
        return {};
    if (block->kind != NodeKind::Block)
        return resolve_statement(block);
    if (new_scope)
        push_block();
    for (auto* statement : block->list) {
        auto result = resolve_statement(statement);
        if (result.is_error()) {
            if (new_scope)
                pop_block();
            return result;
        }
    }
    if (new_scope)
        pop_block();
    return {};
}

ErrorOr<void> Resolver::resolve_var_declaration(Node* node)
{
    StaticType declared;
    if (node->type.is_present())
        declared = annotation_type(node->type);
    // A variable at the top of a file that functions use is a global; otherwise it is an
    // ordinary local of the file's main.
    bool top_level = m_resolving_main && m_function->enclosing == nullptr && m_function->blocks.size() == 1;
    bool is_global = top_level && node->access == VariableAccess::Global;
    // `let f = fun(n) => ... f(n - 1)`: a function value may refer to its own variable, so
    // the variable exists before its initializer is resolved.
    bool self_referring = node->a && node->a->kind == NodeKind::Function;
    Variable* variable = nullptr;
    auto declare = [&]() -> ErrorOr<void> {
        if (top_level)
            node->flags |= NodeFlagDeclared;
        if (is_global)
            return {};
        variable = TRY(declare_local(node->name, node->position, node->flags & NodeFlagConstant));
        node->variable = variable;
        node->access = VariableAccess::Local;
        return {};
    };
    if (self_referring)
        TRY(declare());
    StaticType value;
    if (node->a)
        value = TRY(resolve_expression(node->a));
    if (node->type.is_present() && node->a)
        check_assignable(declared, value, node->a->position, node->name);
    if (!self_referring)
        TRY(declare());
    if (is_global)
        return {};
    if (node->type.is_present()) {
        variable->annotated = true;
        variable->type = declared;
        variable->check_class = check_class_for(node->type);
    } else if (node->flags & NodeFlagConstant) {
        variable->type = value;
    }
    return {};
}

ErrorOr<void> Resolver::resolve_for_in(Node* node)
{
    bool is_range = node->a->kind == NodeKind::Range;
    if (is_range) {
        auto start = TRY(resolve_expression(node->a->a));
        auto end = TRY(resolve_expression(node->a->b));
        if ((start.is_known() && start.kind != TypeKind::Int)
            || (end.is_known() && end.kind != TypeKind::Int))
            m_diagnostics.error(node->a->position, "a range needs integer bounds"sv);
        if (!node->name2.is_empty())
            m_diagnostics.error(node->position, "a range loop has one variable: for (i in 0..<n)"sv);
        node->a->static_type.kind = TypeKind::Unknown;
    } else {
        TRY(resolve_expression(node->a));
    }
    push_block();
    // Hidden slots: the collection, the position, the end, whether it is a map.
    for (u16* slot : {&node->index, &node->index2, &node->index3, &node->index4}) {
        auto* hidden = TRY(declare_local(" "sv, node->position, true));
        *slot = hidden->slot;
        (void)m_function->blocks.last().variables.take_last();
    }
    node->variable = TRY(declare_local(node->name, node->position, true));
    if (is_range)
        node->variable->type.kind = TypeKind::Int;
    if (!node->name2.is_empty())
        node->variable2 = TRY(declare_local(node->name2, node->position, true));
    ++m_function->loop_depth;
    auto result = resolve_block(node->d);
    --m_function->loop_depth;
    pop_block();
    return result;
}

ErrorOr<void> Resolver::resolve_try(Node* node)
{
    TRY(resolve_block(node->a));
    for (auto* clause : node->list) {
        if (clause->type.is_present()) {
            auto meaning = builtin_annotation(clause->type.name);
            if (meaning.known) {
                m_diagnostics.errorff(
                    clause->type.position, "'{}' is not an exception class", clause->type.name);
            } else if (!find_class(clause->type.name) && !is_builtin_class(clause->type.name)) {
                m_diagnostics.errorff(
                    clause->type.position, "unknown exception class '{}'", clause->type.name);
            }
        }
        push_block();
        if (!clause->name.is_empty()) {
            clause->variable = TRY(declare_local(clause->name, clause->position, false));
            if (auto* klass = find_class(clause->type.name)) {
                clause->variable->type.kind = TypeKind::Instance;
                clause->variable->type.klass = klass;
            }
        }
        auto result = resolve_block(clause->a);
        pop_block();
        TRY(result);
    }
    if (node->c)
        TRY(resolve_block(node->c));
    return {};
}

ErrorOr<void> Resolver::resolve_statement(Node* node)
{
    if (!node)
        return {};
    TRY(enter(node->position));
    auto result = [&]() -> ErrorOr<void> {
        switch (node->kind) {
        case NodeKind::ExpressionStatement:
            TRY(resolve_expression(node->a));
            return {};
        case NodeKind::VarDecl:
            return resolve_var_declaration(node);
        case NodeKind::Block:
            return resolve_block(node);
        case NodeKind::If:
            TRY(resolve_expression(node->a));
            push_block();
            {
                auto then_result = resolve_statement(node->b);
                pop_block();
                TRY(then_result);
            }
            push_block();
            {
                auto else_result = resolve_statement(node->c);
                pop_block();
                TRY(else_result);
            }
            return {};
        case NodeKind::While: {
            TRY(resolve_expression(node->a));
            ++m_function->loop_depth;
            push_block();
            auto body = resolve_statement(node->b);
            pop_block();
            --m_function->loop_depth;
            return body;
        }
        case NodeKind::For: {
            push_block();
            auto header = [&]() -> ErrorOr<void> {
                TRY(resolve_statement(node->a));
                if (node->b)
                    TRY(resolve_expression(node->b));
                ++m_function->loop_depth;
                push_block();
                auto body = resolve_statement(node->d);
                pop_block();
                --m_function->loop_depth;
                TRY(body);
                if (node->c)
                    TRY(resolve_statement(node->c));
                return {};
            }();
            pop_block();
            return header;
        }
        case NodeKind::ForIn:
            return resolve_for_in(node);
        case NodeKind::Return: {
            auto* function = m_function->scope->info;
            if (function->kind == FunctionKind::Constructor && node->a)
                m_diagnostics.error(node->position, "a constructor cannot return a value"sv);
            StaticType value;
            value.kind = TypeKind::Nil;
            if (node->a)
                value = TRY(resolve_expression(node->a));
            if (function->return_type.is_present()) {
                auto expected = annotation_type(function->return_type, false);
                if (!node->a && expected.is_known() && expected.kind != TypeKind::Nil && !expected.nullable)
                    m_diagnostics.errorff(node->position, "this function must return a value of type {}",
                        function->return_type.name);
                else if (node->a)
                    check_assignable(expected, value, node->a->position, "the return value"sv);
            }
            return {};
        }
        case NodeKind::Break:
        case NodeKind::Continue:
            if (m_function->loop_depth == 0)
                m_diagnostics.errorff(node->position, "'{}' can only be used inside a loop",
                    node->kind == NodeKind::Break ? "break"sv : "continue"sv);
            return {};
        case NodeKind::Throw:
            TRY(resolve_expression(node->a));
            return {};
        case NodeKind::Try:
            return resolve_try(node);
        case NodeKind::FunctionDecl: {
            // A named function inside a block is a closure in a local variable; the variable
            // exists before the body so the function can call itself.
            auto* variable = TRY(declare_local(node->name, node->position, true));
            variable->type.kind = TypeKind::Closure;
            node->variable = variable;
            node->access = VariableAccess::Local;
            return resolve_function(
                node->function, m_function, m_function->scope->klass, module_of_context());
        }
        default:
            m_diagnostics.error(node->position, "this is not a statement"sv);
            return {};
        }
    }();
    leave();
    return result;
}

} // namespace Lang
