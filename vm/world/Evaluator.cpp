/*
 * vm/world/Evaluator.cpp: compiling and loading an object-shell input (Evaluator.h). Classes
 * are checked as a whole before anything changes: the replaced ones by a hot-reload dry run,
 * the new ones by the loader's verifier, so an input with a bad class leaves the VM as it was.
 */
#include <vm/HotReload.h>
#include <vm/Object.h>
#include <vm/world/Evaluator.h>

namespace VM::World {

bool VirtualMachineNames::has_class(StringView name) const { return !m_vm.find_class(name).is_nil(); }

bool VirtualMachineNames::has_global(StringView name) const
{
    Value symbol = m_vm.find_symbol(name);
    return !symbol.is_nil() && !m_vm.globals_box(symbol).is_nil();
}

ErrorOr<PreparedInput> prepare_input(VirtualMachine& vm, StringView source, StringView file_name)
{
    PreparedInput prepared;
    Lang::SourceFile file {file_name, source};
    Lang::Diagnostics diagnostics;
    VirtualMachineNames names(vm);
    Lang::CompileOptions options;
    options.environment = &names;
    options.evaluation = true;
    auto compiled = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
    if (compiled.is_error()) {
        if (compiled.error().code() == ErrorCode::OutOfMemory)
            return compiled.release_error();
        prepared.errors = diagnostics.has_errors() ? TRY(diagnostics.render())
                                                   : TRY(String::from_view(compiled.error().message()));
        return prepared;
    }
    auto program = compiled.release_value();
    String main_class = move(program.main_class);

    // Split: classes the VM has are replaced, the others loaded. Dry runs first.
    ProgramImage fresh;
    Vector<ClassImage> replaced;
    for (auto& image : program.classes) {
        bool own_class = image.name.view() == main_class.view();
        if (own_class || vm.find_class(image.name.view()).is_nil()) {
            TRY(fresh.classes.try_append(move(image)));
            continue;
        }
        String message;
        if (auto report = reload(vm, image, ReloadMode::DryRun, &message); report.is_error()) {
            if (report.error().code() == ErrorCode::OutOfMemory)
                return report.release_error();
            prepared.errors
                = message.is_empty() ? TRY(String::from_view(report.error().message())) : move(message);
            return prepared;
        }
        TRY(replaced.try_append(move(image)));
    }
    // The previous input's class is dropped, not reloaded: frames still running it keep it
    // alive, and nothing else refers to it.
    if (Value previous = vm.find_class(main_class.view()); !previous.is_nil())
        TRY(vm.set_global(TRY(vm.intern(main_class.view())), Value::nil()));
    if (!fresh.classes.is_empty()) {
        String message;
        if (auto loaded = vm.load(fresh, &message); loaded.is_error()) {
            if (loaded.error().code() == ErrorCode::OutOfMemory)
                return loaded.release_error();
            prepared.errors
                = message.is_empty() ? TRY(String::from_view(loaded.error().message())) : move(message);
            return prepared;
        }
    }
    StringBuilder reloads;
    for (auto const& image : replaced) {
        String message;
        auto report = reload(vm, image, ReloadMode::Apply, &message);
        if (report.is_error()) {
            if (report.error().code() == ErrorCode::OutOfMemory)
                return report.release_error();
            prepared.errors
                = message.is_empty() ? TRY(String::from_view(report.error().message())) : move(message);
            return prepared;
        }
        if (report.value().changes_anything()) {
            auto described = TRY(describe(report.value()));
            TRY(reloads.try_appendff("{}{}", reloads.is_empty() ? ""sv : "\n"sv, described.view()));
        }
    }
    prepared.reload_report = TRY(reloads.to_string());

    Value klass = vm.find_class(main_class.view());
    auto selector = TRY(vm.intern("main"sv));
    Value method = klass.is_nil() ? Value::nil() : vm.lookup_static_method(klass, selector);
    if (!is_kind(method, ObjectKind::Method)) {
        prepared.errors = TRY(String::from_view("the input compiled to no main method"sv));
        return prepared;
    }
    prepared.code = method;
    return prepared;
}

} // namespace VM::World
