/*
 * vm/world/Evaluator.h: one object-shell input compiled into a running VM.
 *
 *     auto prepared = TRY(prepare_input(vm, "var p = Point(1, 2)\np.x"sv));
 *     if (prepared.code.is_nil()) print(prepared.errors);   // file:line:column, line, caret
 *     else run prepared.code (a static Method without parameters) on a green thread
 *
 * The input is compiled in evaluation mode (vm/lang/Compiler.h): names it does not declare
 * resolve to the VM's classes and globals, its top-level variables become VM globals (in the
 * heap, so they persist), and its value is that of its last expression statement. Classes it
 * declares are loaded; a class the VM has already is replaced through hot reload (instances
 * migrate). The input's own code lives in a class named after `file_name` ("input") that the
 * next input drops, so inputs leave nothing behind but what they define.
 *
 * Call it only between VM runs (no thread inside the interpreter): a reload rewrites the heap.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <base/StringView.h>
#include <vm/VirtualMachine.h>
#include <vm/lang/Compiler.h>

namespace VM::World {

// The running VM's names for the compiler.
class VirtualMachineNames final : public Lang::NameEnvironment {
public:
    explicit VirtualMachineNames(VirtualMachine& vm)
        : m_vm(vm)
    { }
    bool has_class(StringView) const override;
    bool has_global(StringView) const override;

private:
    VirtualMachine& m_vm;
};

struct PreparedInput {
    Value code;           // the input's main method, or nil when it could not be compiled or loaded
    String errors;        // when `code` is nil: the rendered diagnostics or the loader's sentence
    String reload_report; // classes the input replaced, as VM::describe() puts it
};

// Compiles and loads one input; an Error only for allocation failure.
ErrorOr<PreparedInput> prepare_input(VirtualMachine&, StringView source, StringView file_name = "input"sv);

} // namespace VM::World
