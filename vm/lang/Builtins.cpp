/*
 * vm/lang/Builtins.cpp: lookups over the built-in class and function tables.
 */
#include <vm/lang/Builtins.h>

namespace Lang {

struct BuiltinClass {
    StringView name;
    bool extensible;
};

static constexpr BuiltinClass s_builtin_classes[] = {
#define PHANTOM_BUILTIN_CLASS_ENTRY(name, extensible) {#name##sv, extensible},
    PHANTOM_ENUMERATE_BUILTIN_CLASSES(PHANTOM_BUILTIN_CLASS_ENTRY)
#undef PHANTOM_BUILTIN_CLASS_ENTRY
};

static constexpr BuiltinFunction s_builtin_functions[] = {
#define PHANTOM_BUILTIN_FUNCTION_ENTRY(name, klass, method, minimum, maximum)                                \
    {#name##sv, #klass##sv, #method##sv, minimum, maximum},
    PHANTOM_ENUMERATE_BUILTIN_FUNCTIONS(PHANTOM_BUILTIN_FUNCTION_ENTRY)
#undef PHANTOM_BUILTIN_FUNCTION_ENTRY
};

bool is_builtin_class(StringView name)
{
    for (auto const& entry : s_builtin_classes) {
        if (entry.name == name)
            return true;
    }
    return false;
}

bool builtin_class_is_extensible(StringView name)
{
    for (auto const& entry : s_builtin_classes) {
        if (entry.name == name)
            return entry.extensible;
    }
    return false;
}

bool is_builtin_global(StringView name) { return name == "args"sv; }

BuiltinFunction const* find_builtin_function(StringView name)
{
    for (auto const& entry : s_builtin_functions) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

AnnotationMeaning builtin_annotation(StringView name)
{
    struct Entry {
        StringView name;
        TypeKind kind;
        StringView check_class;
    };
    static constexpr Entry entries[] = {
        {"int"sv, TypeKind::Int, "Int"sv},
        {"Int"sv, TypeKind::Int, "Int"sv},
        {"float"sv, TypeKind::Float, "Float"sv},
        {"Float"sv, TypeKind::Float, "Float"sv},
        {"bool"sv, TypeKind::Bool, "Bool"sv},
        {"Bool"sv, TypeKind::Bool, "Bool"sv},
        {"string"sv, TypeKind::String, "String"sv},
        {"String"sv, TypeKind::String, "String"sv},
        {"array"sv, TypeKind::Array, "Array"sv},
        {"Array"sv, TypeKind::Array, "Array"sv},
        {"map"sv, TypeKind::Map, "Map"sv},
        {"Map"sv, TypeKind::Map, "Map"sv},
        {"function"sv, TypeKind::Closure, "Closure"sv},
        {"Closure"sv, TypeKind::Closure, "Closure"sv},
        {"nil"sv, TypeKind::Nil, {}},
        {"any"sv, TypeKind::Unknown, {}},
        {"Object"sv, TypeKind::Unknown, {}},
    };
    for (auto const& entry : entries) {
        if (entry.name == name) {
            AnnotationMeaning meaning;
            meaning.type.kind = entry.kind;
            meaning.check_class = entry.check_class;
            meaning.known = true;
            return meaning;
        }
    }
    return {};
}

StringView type_name(StaticType const& type)
{
    switch (type.kind) {
    case TypeKind::Unknown:
        return "any"sv;
    case TypeKind::Nil:
        return "nil"sv;
    case TypeKind::Int:
        return "int"sv;
    case TypeKind::Float:
        return "float"sv;
    case TypeKind::Bool:
        return "bool"sv;
    case TypeKind::String:
        return "string"sv;
    case TypeKind::Array:
        return "array"sv;
    case TypeKind::Map:
        return "map"sv;
    case TypeKind::Closure:
        return "function"sv;
    case TypeKind::Instance:
        return type.klass ? type.klass->name : "object"sv;
    }
    return "any"sv;
}

} // namespace Lang
