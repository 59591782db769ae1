/*
 * vm/lang/CodeGenerator.h: turns the resolved syntax tree into class images (vm/ClassImage.h)
 * through VM::MethodBuilder, whose emit helpers come from the opcode table.
 *
 * Locals live in frame slots; variables captured by closures live in boxes (MakeBox) and are
 * reached through LoadBox/LoadCaptured. Conditions compile to jumps directly (no boolean is
 * materialised for `if (a < b && c)`), loops test at the bottom so each iteration takes one
 * jump, integer for-loops over ranges use two slots and no iterator object, and `finally`
 * blocks are copied onto every path that leaves their try.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Vector.h>
#include <vm/ClassImage.h>
#include <vm/lang/Ast.h>
#include <vm/lang/Compiler.h>
#include <vm/lang/Diagnostics.h>
#include <vm/lang/Resolver.h>

namespace Lang {

class CodeGenerator {
public:
    CodeGenerator(Resolver& resolver, Diagnostics& diagnostics, CompileOptions const& options,
        Vector<Module*> const& modules)
        : m_resolver(resolver)
        , m_diagnostics(diagnostics)
        , m_options(options)
        , m_modules(modules)
    { }

    [[nodiscard]] ErrorOr<VM::ProgramImage> generate();

private:
    using Label = VM::MethodBuilder::JumpLabel;

    struct Loop {
        Vector<Label> breaks;
        Vector<Label> continues;
        usize finally_depth {0};
    };

    // The state of one method or closure being generated.
    struct FunctionState {
        VM::MethodBuilder builder;
        FunctionScope* scope {nullptr};
        FunctionInfo* info {nullptr};
        VM::ClassImage* image {nullptr};
        Vector<Loop> loops;
        Vector<Node*> finally_blocks;
        u16 next_scratch {0};
        u16 max_slots {1};
    };

    ErrorOr<VM::ClassImage> generate_class(ClassInfo*);
    ErrorOr<VM::MethodImage> generate_method(FunctionInfo*, VM::ClassImage&);
    ErrorOr<VM::MethodImage> generate_constructor(
        ClassInfo*, FunctionInfo* explicit_constructor, VM::ClassImage&);
    ErrorOr<VM::MethodImage> finish(FunctionState&, StringView name, VM::MethodKind, u16 parameter_count);
    ErrorOr<void> emit_prologue(FunctionState&);
    ErrorOr<void> emit_field_initializers(ClassInfo*, bool statics);

    // Statements.
    ErrorOr<void> statement(Node*);
    ErrorOr<void> block(Node*);
    ErrorOr<void> var_declaration(Node*);
    ErrorOr<void> if_statement(Node*);
    ErrorOr<void> while_statement(Node*);
    ErrorOr<void> for_statement(Node*);
    ErrorOr<void> for_in_statement(Node*);
    ErrorOr<void> for_range_statement(Node*);
    ErrorOr<void> try_statement(Node*);
    ErrorOr<void> return_statement(Node*);
    ErrorOr<void> jump_out_of_loop(Node*);
    ErrorOr<void> nested_function(Node*);
    ErrorOr<void> emit_finally_blocks(usize down_to);

    // Expressions: each pushes exactly one value.
    ErrorOr<void> expression(Node*);
    ErrorOr<void> call(Node*);
    ErrorOr<void> assignment(Node*, bool value_needed);
    ErrorOr<void> interpolation(Node*);
    ErrorOr<void> closure(Node*);
    ErrorOr<void> load_identifier(Node*);
    ErrorOr<void> store_variable(
        Node* target_or_declaration, Variable*, VariableAccess, u16 capture_index, StringView target);
    // Emits the operator's instruction; a comparison right before a conditional jump gets
    // its test_* form.
    ErrorOr<void> binary_operator(TokenType, bool before_conditional_jump = false);
    ErrorOr<void> push_integer(i64);
    ErrorOr<bool> immediate_arithmetic(TokenType, Node* operand, Node* position = nullptr);
    // Jumps to a label in `labels` when the condition's truth equals `when`.
    ErrorOr<void> jump_if(Node* condition, bool when, Vector<Label>& labels);

    ErrorOr<void> emit(VM::Opcode opcode) { return m_function->builder.emit(opcode); }
    ErrorOr<void> emit_local(VM::Opcode opcode, u16 slot) { return m_function->builder.emit(opcode, slot); }
    ErrorOr<void> emit_name(VM::Opcode, StringView name);
    ErrorOr<void> emit_send(StringView name, u8 argument_count);
    ErrorOr<void> emit_static(VM::Opcode, StringView class_name, StringView method_name, u8 argument_count);
    ErrorOr<void> emit_check_type(StringView class_name);
    ErrorOr<void> emit_store_check(Node* target, Node* value);
    ErrorOr<void> mark(SourcePosition);
    ErrorOr<Label> emit_jump(VM::Opcode opcode) { return m_function->builder.emit_jump(opcode); }
    void patch_here(Vector<Label> const&);
    u32 offset() const { return m_function->builder.offset(); }
    u16 allocate_scratch();
    void release_scratch(u16 count) { m_function->next_scratch -= count; }

    Resolver& m_resolver;
    Diagnostics& m_diagnostics;
    CompileOptions const& m_options;
    Vector<Module*> const& m_modules;
    FunctionState* m_function {nullptr};
    ClassInfo* m_class {nullptr};
    Module* m_module {nullptr};
};

} // namespace Lang
