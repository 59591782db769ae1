/*
 * vm/lang/ResolverCalls.cpp: calls, member access and assignment: deciding how each call is
 * made (send, static call, constructor, closure, built-in) and checking argument counts and
 * annotated parameter types where the callee is known.
 */
#include <vm/lang/Builtins.h>
#include <vm/lang/Resolver.h>

namespace Lang {

ErrorOr<void> Resolver::resolve_arguments(Node* call, FunctionInfo* target, StringView what)
{
    Vector<StaticType> types;
    for (auto* argument : call->list)
        TRY(types.try_append(TRY(resolve_expression(argument))));
    if (!target)
        return {};
    if (target->parameters.size() != call->list.size()) {
        m_diagnostics.errorff(call->position, "{} expects {} argument{} but {} {} given", what,
            target->parameters.size(), target->parameters.size() == 1 ? ""sv : "s"sv, call->list.size(),
            call->list.size() == 1 ? "was"sv : "were"sv);
        return {};
    }
    for (usize i = 0; i < types.size(); ++i) {
        auto const& parameter = target->parameters[i];
        if (!parameter.type.is_present())
            continue;
        auto expected = annotation_type(parameter.type, false);
        if (!is_assignable(expected, types[i])) {
            StringBuilder builder;
            TRY(builder.try_appendff("parameter '{}' of {}", parameter.name, what));
            check_assignable(expected, types[i], call->list[i]->position, builder.string_view());
        }
    }
    return {};
}

ErrorOr<StaticType> Resolver::resolve_call(Node* node)
{
    auto* callee = node->a;
    StringBuilder what;

    if (callee->kind == NodeKind::Identifier) {
        auto found = TRY(lookup(callee->name, callee->position, false));
        callee->access = found.access;
        callee->variable = found.variable;
        callee->index = found.capture_index;
        callee->target = found.target;
        callee->target_class = found.target_class;
        switch (found.access) {
        case VariableAccess::Function: {
            auto* function = found.function;
            if (function->kind == FunctionKind::Method) {
                if (m_function->scope->is_static)
                    m_diagnostics.errorff(callee->position,
                        "method '{}' needs an instance; static code has no 'this'", callee->name);
                node->call_kind = CallKind::SelfSend;
            } else {
                node->call_kind = CallKind::Static;
            }
            node->target = function->name;
            node->target_class = found.target_class;
            node->resolved_function = function;
            TRY(what.try_appendff("'{}'", callee->name));
            TRY(resolve_arguments(node, function, what.string_view()));
            return return_type_of(function);
        }
        case VariableAccess::Class: {
            node->call_kind = CallKind::New;
            node->target_class = found.target;
            node->target = "init"sv;
            StaticType type;
            if (found.klass) {
                type.kind = TypeKind::Instance;
                type.klass = found.klass;
                auto* constructor = find_constructor(found.klass);
                TRY(what.try_appendff("the constructor of '{}'", found.klass->name));
                if (constructor) {
                    TRY(resolve_arguments(node, constructor, what.string_view()));
                } else {
                    TRY(resolve_arguments(node, nullptr, {}));
                    if (chain_fully_known(found.klass) && !node->list.is_empty())
                        m_diagnostics.errorff(node->position,
                            "class '{}' has no constructor (init) taking arguments", found.klass->name);
                }
            } else {
                TRY(resolve_arguments(node, nullptr, {}));
                auto meaning = builtin_annotation(found.target);
                if (meaning.known)
                    type = meaning.type;
            }
            return type;
        }
        case VariableAccess::Builtin: {
            auto const* builtin = find_builtin_function(callee->name);
            node->call_kind = CallKind::Builtin;
            node->target_class = builtin->class_name;
            node->target = builtin->method_name;
            TRY(resolve_arguments(node, nullptr, {}));
            auto count = node->list.size();
            if (count < builtin->minimum_arguments || count > builtin->maximum_arguments) {
                if (builtin->minimum_arguments == builtin->maximum_arguments)
                    m_diagnostics.errorff(node->position, "'{}' expects {} argument{} but {} {} given",
                        callee->name, builtin->minimum_arguments,
                        builtin->minimum_arguments == 1 ? ""sv : "s"sv, count,
                        count == 1 ? "was"sv : "were"sv);
                else
                    m_diagnostics.errorff(node->position, "'{}' expects {} to {} arguments but {} {} given",
                        callee->name, builtin->minimum_arguments, builtin->maximum_arguments, count,
                        count == 1 ? "was"sv : "were"sv);
            }
            return StaticType {};
        }
        case VariableAccess::Unresolved:
            TRY(resolve_arguments(node, nullptr, {}));
            return StaticType {};
        default:
            // A variable, field or global holding a closure.
            callee->static_type = TRY(resolve_identifier(callee));
            node->call_kind = CallKind::Closure;
            TRY(resolve_arguments(node, nullptr, {}));
            return StaticType {};
        }
    }

    if (callee->kind == NodeKind::Super) {
        auto* scope = m_function->scope;
        auto* klass = scope->klass;
        node->call_kind = CallKind::SuperSend;
        node->target = callee->name;
        if (scope->is_static || !klass || klass->is_synthesized) {
            m_diagnostics.error(callee->position, "'super' is only available in methods and constructors"sv);
            TRY(resolve_arguments(node, nullptr, {}));
            return StaticType {};
        }
        if (klass->superclass_name.is_empty()) {
            m_diagnostics.errorff(callee->position, "class '{}' has no superclass", klass->name);
            TRY(resolve_arguments(node, nullptr, {}));
            return StaticType {};
        }
        if (callee->name == "init"sv) {
            if (scope->info->kind != FunctionKind::Constructor)
                m_diagnostics.error(callee->position, "super(...) can only be called in a constructor"sv);
            scope->calls_super_init = true;
            auto* constructor = klass->superclass ? find_constructor(klass->superclass) : nullptr;
            TRY(what.try_appendff("the constructor of '{}'", klass->superclass_name));
            if (!constructor && klass->superclass && chain_fully_known(klass->superclass)
                && !chain_initializes_fields(klass->superclass)) {
                TRY(resolve_arguments(node, nullptr, {}));
                if (!node->list.is_empty())
                    m_diagnostics.errorff(node->position, "class '{}' has no constructor taking arguments",
                        klass->superclass_name);
                // Nothing to run: New would find no constructor either.
                node->call_kind = CallKind::Closure;
                node->target = {};
                node->flags |= NodeFlagConstant;
                return StaticType {};
            }
            TRY(resolve_arguments(node, constructor, what.string_view()));
            return StaticType {};
        }
        FunctionInfo* method = klass->superclass ? find_method(klass->superclass, callee->name) : nullptr;
        if (!method && klass->superclass && chain_fully_known(klass->superclass))
            m_diagnostics.errorff(
                callee->position, "superclass '{}' has no method '{}'", klass->superclass_name, callee->name);
        TRY(what.try_appendff("'{}'", callee->name));
        TRY(resolve_arguments(node, method, what.string_view()));
        return method ? return_type_of(method) : StaticType {};
    }

    if (callee->kind == NodeKind::Member) {
        auto* object = callee->a;
        // ClassName.method(...) is a static call.
        if (object->kind == NodeKind::Identifier) {
            auto found = TRY(lookup(object->name, object->position, false));
            if (found.access == VariableAccess::Class) {
                object->access = found.access;
                object->target = found.target;
                node->call_kind = CallKind::Static;
                node->target_class = found.target;
                node->target = callee->name;
                if (found.klass) {
                    auto* method = find_method(found.klass, callee->name);
                    if (method && method->kind != FunctionKind::Static) {
                        m_diagnostics.errorff(callee->position,
                            "'{}' is an instance method of '{}'; call it on an instance", callee->name,
                            found.klass->name);
                    } else if (!method && chain_fully_known(found.klass)) {
                        m_diagnostics.errorff(callee->position, "class '{}' has no static method '{}'",
                            found.klass->name, callee->name);
                    }
                    if (method)
                        node->target_class = method->owner->name;
                    TRY(what.try_appendff("'{}.{}'", found.klass->name, callee->name));
                    TRY(resolve_arguments(node, method, what.string_view()));
                    return method ? return_type_of(method) : StaticType {};
                }
                TRY(resolve_arguments(node, nullptr, {}));
                return StaticType {};
            }
        }
        auto receiver = TRY(resolve_expression(object));
        node->call_kind = CallKind::Send;
        node->target = callee->name;
        if (receiver.kind == TypeKind::Instance && receiver.klass && !receiver.klass->is_synthesized) {
            auto* method = find_method(receiver.klass, callee->name);
            if (method && method->kind == FunctionKind::Static) {
                m_diagnostics.errorff(callee->position, "'{}' is a static method; call it as {}.{}(...)",
                    callee->name, method->owner->name, callee->name);
            } else if (!method) {
                if (auto* field = find_field(receiver.klass, callee->name);
                    field && !(field->flags & NodeFlagStatic)) {
                    // A field holding a closure: load it, then call it.
                    node->call_kind = CallKind::Closure;
                    callee->static_type = StaticType {};
                    TRY(resolve_arguments(node, nullptr, {}));
                    return StaticType {};
                }
                if (chain_fully_known(receiver.klass))
                    m_diagnostics.errorff(callee->position, "class '{}' has no method '{}'",
                        receiver.klass->name, callee->name);
            }
            TRY(what.try_appendff("'{}'", callee->name));
            TRY(resolve_arguments(node, method, what.string_view()));
            return method ? return_type_of(method) : StaticType {};
        }
        TRY(resolve_arguments(node, nullptr, {}));
        return StaticType {};
    }

    // Any other expression producing a closure: (make())(1), handlers[0](x).
    TRY(resolve_expression(callee));
    node->call_kind = CallKind::Closure;
    TRY(resolve_arguments(node, nullptr, {}));
    return StaticType {};
}

StaticType Resolver::return_type_of(FunctionInfo* function)
{
    if (!function || !function->return_type.is_present())
        return {};
    return annotation_type(function->return_type, false);
}

ErrorOr<StaticType> Resolver::resolve_member(Node* node)
{
    auto* object = node->a;
    if (object->kind == NodeKind::Identifier) {
        auto found = TRY(lookup(object->name, object->position, false));
        if (found.access == VariableAccess::Class) {
            object->access = found.access;
            object->target = found.target;
            // A static field of a class the running VM has: its global, checked at run time.
            if (!found.klass && m_environment && m_environment->has_class(object->name)) {
                StringBuilder global;
                TRY(global.try_appendff("{}.{}", object->name, node->name));
                node->access = VariableAccess::Global;
                node->target = TRY(m_arena.intern(global.string_view()));
                node->variable = nullptr;
                return StaticType {};
            }
            ClassInfo* owner = nullptr;
            auto* field = found.klass ? find_field(found.klass, node->name, &owner) : nullptr;
            if (!field || !(field->flags & NodeFlagStatic)) {
                m_diagnostics.errorff(
                    node->position, "class '{}' has no static field '{}'", object->name, node->name);
                return StaticType {};
            }
            node->access = VariableAccess::Global;
            node->target = field->target;
            node->variable = nullptr;
            return field->type.is_present() ? annotation_type(field->type, false) : StaticType {};
        }
    }
    auto receiver = TRY(resolve_expression(object));
    node->access = VariableAccess::Field;
    node->target = node->name;
    if (receiver.kind == TypeKind::Instance && receiver.klass && !receiver.klass->is_synthesized) {
        auto* field = find_field(receiver.klass, node->name);
        if (field && !(field->flags & NodeFlagStatic))
            return field->type.is_present() ? annotation_type(field->type, false) : StaticType {};
        if (find_method(receiver.klass, node->name))
            m_diagnostics.errorff(
                node->position, "'{}' is a method; call it: .{}(...)", node->name, node->name);
        else if (chain_fully_known(receiver.klass))
            m_diagnostics.errorff(
                node->position, "class '{}' has no field '{}'", receiver.klass->name, node->name);
    }
    return StaticType {};
}

// The field declaration a member expression names, when the receiver's class is known.
Node* Resolver::member_declaration(Node* member)
{
    if (member->access == VariableAccess::Global) {
        auto* object = member->a;
        auto* klass = object->kind == NodeKind::Identifier ? find_class(object->name) : nullptr;
        return klass ? find_field(klass, member->name) : nullptr;
    }
    auto const& receiver = member->a->static_type;
    if (member->a->kind == NodeKind::This && m_function && m_function->scope->klass)
        return find_field(m_function->scope->klass, member->name);
    if (receiver.kind == TypeKind::Instance && receiver.klass)
        return find_field(receiver.klass, member->name);
    return nullptr;
}

ErrorOr<StaticType> Resolver::resolve_assignment(Node* node)
{
    auto* target = node->a;
    StaticType target_type;
    StringView what;
    if (target->kind == NodeKind::Identifier) {
        auto found = TRY(lookup(target->name, target->position, true));
        target->access = found.access;
        target->variable = found.variable;
        target->index = found.capture_index;
        target->target = found.target;
        switch (found.access) {
        case VariableAccess::Local:
        case VariableAccess::Captured:
            if (found.variable->constant)
                m_diagnostics.errorff(
                    target->position, "'{}' is a constant (let) and cannot be assigned", target->name);
            target_type = found.variable->annotated ? found.variable->type : StaticType {};
            break;
        case VariableAccess::Field:
        case VariableAccess::Global:
            if (found.declaration && (found.declaration->flags & NodeFlagConstant)
                && !(found.access == VariableAccess::Field
                    && m_function->scope->info->kind == FunctionKind::Constructor))
                m_diagnostics.errorff(
                    target->position, "'{}' is a constant (let) and cannot be assigned", target->name);
            if (found.declaration && found.declaration->type.is_present()) {
                target_type = annotation_type(found.declaration->type, false);
                // Stores into an annotated field or global are checked at run time too.
                target->target_class = check_class_for(found.declaration->type);
            }
            break;
        case VariableAccess::Unresolved:
            break;
        default:
            m_diagnostics.errorff(
                target->position, "'{}' is not a variable and cannot be assigned", target->name);
            break;
        }
        what = target->name;
    } else if (target->kind == NodeKind::Member) {
        target_type = TRY(resolve_member(target));
        auto* declaration = member_declaration(target);
        if (declaration && declaration->type.is_present())
            target->target_class = check_class_for(declaration->type);
        bool in_constructor
            = m_function->scope->info->kind == FunctionKind::Constructor && target->a->kind == NodeKind::This;
        if (declaration && (declaration->flags & NodeFlagConstant) && !in_constructor)
            m_diagnostics.errorff(
                target->position, "'{}' is a constant (let) and cannot be assigned", target->name);
        if (target->access == VariableAccess::Global) {
            // Class.staticField = value
        } else {
            target->access = VariableAccess::Field;
        }
        // Only the annotation matters for the check; a field without one accepts anything.
        if (!target_type.is_known())
            target_type = StaticType {};
        what = target->name;
    } else {
        TRY(resolve_expression(target->a));
        TRY(resolve_expression(target->b));
        what = "the element"sv;
    }
    auto value = TRY(resolve_expression(node->b));
    if (node->op != TokenType::Equal) {
        // a += b: the result of a + b is what is stored.
        StaticType left = target_type;
        if (left.is_known() && value.is_known()) {
            bool numbers = (left.kind == TypeKind::Int || left.kind == TypeKind::Float)
                && (value.kind == TypeKind::Int || value.kind == TypeKind::Float);
            if (numbers)
                value.kind = (left.kind == TypeKind::Float || value.kind == TypeKind::Float) ? TypeKind::Float
                                                                                             : TypeKind::Int;
        } else {
            value = StaticType {};
        }
    }
    check_assignable(target_type, value, node->b->position, what);
    return value;
}

} // namespace Lang
