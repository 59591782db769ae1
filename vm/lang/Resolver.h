/*
 * vm/lang/Resolver.h: the semantic pass between parsing and code generation.
 *
 * It links classes to their superclasses, gives every local variable a frame slot, finds the
 * variables closures capture (those live in boxes), decides what each name means (local,
 * captured, field, global, class, function, built-in), folds constant expressions, and
 * checks type annotations where the types involved are known. Results are written into the
 * tree (Ast.h) for the code generator. Errors go to Diagnostics; the walk is bounded in
 * depth so that no input can exhaust the C++ stack.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Vector.h>
#include <vm/lang/Ast.h>
#include <vm/lang/Compiler.h>
#include <vm/lang/Diagnostics.h>

namespace Lang {

class Resolver {
public:
    Resolver(AstArena& arena, Diagnostics& diagnostics, Vector<Module*> const& modules)
        : m_arena(arena)
        , m_diagnostics(diagnostics)
        , m_modules(modules)
    { }

    // Names of the running VM (free identifiers may resolve to them) and evaluation mode
    // (CompileOptions::evaluation).
    void set_environment(NameEnvironment const* environment, bool evaluation)
    {
        m_environment = environment;
        m_evaluation = evaluation;
    }

    // Only allocation failure is an Error; semantic errors go to the diagnostics.
    [[nodiscard]] ErrorOr<void> resolve();

    // Modules in the order their top-level code runs: imports before importers, the program
    // (the first module) last.
    Vector<Module*> const& initialization_order() const { return m_initialization_order; }

    [[nodiscard]] ClassInfo* find_class(StringView name) const;
    // The class CheckType tests for an annotation (Int for `int`, Point for `Point`); empty
    // when nothing is checked at run time (`any`, unknown names).
    [[nodiscard]] StringView check_class_for(TypeAnnotation const&) const;
    // Field and method lookup along the superclass chain (user classes only).
    [[nodiscard]] static Node* find_field(ClassInfo*, StringView name, ClassInfo** owner = nullptr);
    [[nodiscard]] static FunctionInfo* find_method(ClassInfo*, StringView name);
    // The constructor New will run for this class (the nearest init up the chain).
    [[nodiscard]] static FunctionInfo* find_constructor(ClassInfo*);
    // True when every class in the chain is a user class (so a missing member is an error).
    [[nodiscard]] static bool chain_fully_known(ClassInfo*);
    // Whether a class of the chain initialises instance fields: such a class has an `init` of
    // no arguments (synthesized) even without a constructor of its own.
    [[nodiscard]] static bool chain_initializes_fields(ClassInfo*);
    [[nodiscard]] static bool is_subclass(ClassInfo* klass, ClassInfo* ancestor);

    // The walk refuses trees deeper than this (the parser keeps real programs far below).
    static constexpr u32 max_depth = 3000;

private:
    struct Block {
        Vector<Variable*> variables;
        u16 first_slot {0};
    };
    struct FunctionContext {
        FunctionScope* scope {nullptr};
        FunctionContext* enclosing {nullptr};
        Vector<Block> blocks;
        u16 next_slot {1};
        u32 loop_depth {0};
    };
    struct NameLookup {
        VariableAccess access {VariableAccess::Unresolved};
        Variable* variable {nullptr};
        u16 capture_index {0};
        Node* declaration {nullptr}; // fields and globals
        FunctionInfo* function {nullptr};
        ClassInfo* klass {nullptr};
        StringView target;
        StringView target_class;
    };

    ErrorOr<void> declare_classes();
    ErrorOr<void> link_superclass(ClassInfo*);
    ErrorOr<void> link_imports();
    ErrorOr<void> order_module(Module*);
    ErrorOr<void> check_class(ClassInfo*);
    ErrorOr<void> resolve_function(FunctionInfo*, FunctionContext* enclosing, ClassInfo* klass, Module*);

    ErrorOr<void> resolve_statement(Node*);
    ErrorOr<void> resolve_block(Node*, bool new_scope = true);
    ErrorOr<void> resolve_var_declaration(Node*);
    ErrorOr<void> resolve_for_in(Node*);
    ErrorOr<void> resolve_try(Node*);

    ErrorOr<StaticType> resolve_expression(Node*);
    ErrorOr<StaticType> resolve_expression_inner(Node*);
    ErrorOr<StaticType> resolve_identifier(Node*);
    ErrorOr<StaticType> resolve_assignment(Node*);
    ErrorOr<StaticType> resolve_call(Node*);
    ErrorOr<StaticType> resolve_member(Node*);
    ErrorOr<StaticType> resolve_binary(Node*);
    ErrorOr<StaticType> resolve_unary(Node*);
    ErrorOr<void> resolve_arguments(Node* call, FunctionInfo* target, StringView what);
    StaticType return_type_of(FunctionInfo*);
    Node* member_declaration(Node* member);
    void fold_binary(Node*);

    ErrorOr<NameLookup> lookup(StringView name, SourcePosition, bool for_assignment);
    ErrorOr<Optional<u16>> capture(FunctionContext*, Variable*);
    ErrorOr<Variable*> declare_local(StringView name, SourcePosition, bool constant);
    void push_block();
    void pop_block();
    Module* module_of_context() const;
    StringView suggest(StringView misspelt) const;

    // Annotations.
    StaticType annotation_type(TypeAnnotation const&, bool report_unknown = true);
    bool is_assignable(StaticType const& target, StaticType const& value) const;
    void check_assignable(StaticType const& target, StaticType const& value, SourcePosition, StringView what);

    ErrorOr<void> enter(SourcePosition);
    void leave() { --m_depth; }

    AstArena& m_arena;
    Diagnostics& m_diagnostics;
    Vector<Module*> const& m_modules;
    Vector<ClassInfo*> m_classes;
    Vector<Module*> m_initialization_order;
    FunctionContext* m_function {nullptr};
    NameEnvironment const* m_environment {nullptr};
    bool m_evaluation {false};
    bool m_resolving_main {false};
    u32 m_depth {0};
    bool m_too_deep {false};
};

} // namespace Lang
