/*
 * vm/lang/Ast.cpp: allocating nodes, and the tree dump used by tests and `phc --ast`.
 */
#include <vm/lang/Ast.h>

namespace Lang {

StringView node_kind_name(NodeKind kind)
{
    switch (kind) {
#define PHANTOM_NODE_KIND_NAME(name)                                                                         \
    case NodeKind::name:                                                                                     \
        return #name##sv;
        PHANTOM_ENUMERATE_NODE_KINDS(PHANTOM_NODE_KIND_NAME)
#undef PHANTOM_NODE_KIND_NAME
    }
    return "Node"sv;
}

ErrorOr<Node*> AstArena::make_node(NodeKind kind, SourcePosition position)
{
    auto node = TRY(try_make<Node>());
    node->kind = kind;
    node->position = position;
    Node* pointer = node.ptr();
    TRY(m_nodes.try_append(move(node)));
    return pointer;
}

ErrorOr<FunctionInfo*> AstArena::make_function()
{
    auto function = TRY(try_make<FunctionInfo>());
    FunctionInfo* pointer = function.ptr();
    TRY(m_functions.try_append(move(function)));
    return pointer;
}

ErrorOr<ClassInfo*> AstArena::make_class()
{
    auto klass = TRY(try_make<ClassInfo>());
    ClassInfo* pointer = klass.ptr();
    TRY(m_classes.try_append(move(klass)));
    return pointer;
}

ErrorOr<Variable*> AstArena::make_variable()
{
    auto variable = TRY(try_make<Variable>());
    Variable* pointer = variable.ptr();
    TRY(m_variables.try_append(move(variable)));
    return pointer;
}

ErrorOr<FunctionScope*> AstArena::make_scope()
{
    auto scope = TRY(try_make<FunctionScope>());
    FunctionScope* pointer = scope.ptr();
    TRY(m_scopes.try_append(move(scope)));
    return pointer;
}

ErrorOr<StringView> AstArena::intern(StringView text)
{
    TRY(m_strings.try_append(TRY(String::from_view(text))));
    return m_strings.last().view();
}

namespace {

    class Dumper {
    public:
        explicit Dumper(StringBuilder& builder)
            : m_builder(builder)
        { }

        ErrorOr<void> node(Node const* node, u32 depth)
        {
            if (!node)
                return {};
            // The parser bounds nesting; this bound only keeps a dump of a huge tree finite.
            if (depth > 4000)
                return m_builder.try_append("...\n"sv);
            TRY(indent(depth));
            TRY(m_builder.try_append(node_kind_name(node->kind)));
            switch (node->kind) {
            case NodeKind::IntegerLiteral:
            case NodeKind::BoolLiteral:
                TRY(m_builder.try_appendff(" {}", node->integer));
                break;
            case NodeKind::FloatLiteral: {
                // Printed as a fixed-point approximation: base/ formats integers only.
                i64 whole = static_cast<i64>(node->number);
                i64 thousandths = static_cast<i64>((node->number - static_cast<double>(whole)) * 1000);
                if (thousandths < 0)
                    thousandths = -thousandths;
                TRY(m_builder.try_appendff(" {}.{:03}", whole, thousandths));
                break;
            }
            case NodeKind::StringLiteral:
                TRY(m_builder.try_appendff(" \"{}\"", node->string));
                break;
            case NodeKind::Unary:
            case NodeKind::Binary:
            case NodeKind::Logical:
            case NodeKind::Assign:
            case NodeKind::Range:
                TRY(m_builder.try_appendff(" {}", token_description(node->op)));
                break;
            case NodeKind::Is:
                TRY(m_builder.try_appendff(" {}", node->type.name));
                break;
            case NodeKind::VarDecl:
            case NodeKind::Catch:
            case NodeKind::Identifier:
            case NodeKind::Member:
            case NodeKind::Super:
            case NodeKind::Import:
                TRY(m_builder.try_appendff(" {}", node->name));
                if (node->type.is_present())
                    TRY(m_builder.try_appendff(
                        ": {}{}", node->type.name, node->type.nullable ? "?"sv : ""sv));
                break;
            case NodeKind::ForIn:
                TRY(m_builder.try_appendff(" {}", node->name));
                if (!node->name2.is_empty())
                    TRY(m_builder.try_appendff(", {}", node->name2));
                break;
            default:
                break;
            }
            TRY(m_builder.try_append('\n'));
            if (node->function)
                TRY(function(*node->function, depth + 1));
            for (auto const* child : {node->a, node->b, node->c, node->d})
                TRY(this->node(child, depth + 1));
            for (auto const* child : node->list)
                TRY(this->node(child, depth + 1));
            for (auto const* child : node->list2)
                TRY(this->node(child, depth + 1));
            return {};
        }

        ErrorOr<void> function(FunctionInfo const& function, u32 depth)
        {
            TRY(indent(depth));
            TRY(m_builder.try_appendff("fun {}(", function.name.is_empty() ? "<closure>"sv : function.name));
            bool first = true;
            for (auto const& parameter : function.parameters) {
                TRY(m_builder.try_appendff("{}{}", first ? ""sv : ", "sv, parameter.name));
                if (parameter.type.is_present())
                    TRY(m_builder.try_appendff(": {}", parameter.type.name));
                first = false;
            }
            TRY(m_builder.try_append(')'));
            if (function.return_type.is_present())
                TRY(m_builder.try_appendff(": {}", function.return_type.name));
            TRY(m_builder.try_append('\n'));
            return node(function.body, depth + 1);
        }

        ErrorOr<void> klass(ClassInfo const& klass)
        {
            TRY(m_builder.try_appendff("class {}", klass.name));
            if (!klass.superclass_name.is_empty())
                TRY(m_builder.try_appendff(" : {}", klass.superclass_name));
            TRY(m_builder.try_append('\n'));
            for (auto const* field : klass.fields)
                TRY(node(field, 1));
            for (auto const* method : klass.methods)
                TRY(function(*method->function, 1));
            return {};
        }

    private:
        ErrorOr<void> indent(u32 depth)
        {
            for (u32 i = 0; i < depth; ++i)
                TRY(m_builder.try_append("  "sv));
            return {};
        }

        StringBuilder& m_builder;
    };

} // namespace

ErrorOr<String> dump_module(Module const& module)
{
    StringBuilder builder;
    Dumper dumper(builder);
    for (auto const* import : module.imports)
        TRY(dumper.node(import, 0));
    for (auto const* klass : module.classes) {
        if (!klass->is_synthesized)
            TRY(dumper.klass(*klass));
    }
    for (auto const* method : module.file_class->methods)
        TRY(dumper.function(*method->function, 0));
    for (auto const* statement : module.statements)
        TRY(dumper.node(statement, 0));
    return builder.to_string();
}

} // namespace Lang
