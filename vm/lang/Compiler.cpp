/*
 * vm/lang/Compiler.cpp: the driver: lex and parse every file (loading imports on demand),
 * resolve, generate.
 */
#include <vm/lang/CodeGenerator.h>
#include <vm/lang/Compiler.h>
#include <vm/lang/Lexer.h>
#include <vm/lang/Parser.h>
#include <vm/lang/Resolver.h>

namespace Lang {

// A program is refused past this many files (an import chain that never ends).
static constexpr usize max_files = 1000;

StringView module_name_for_path(StringView path)
{
    if (auto slash = path.find_last('/'); slash.has_value())
        path = path.substring_view(slash.value() + 1);
    if (path.ends_with(".ph"sv))
        path = path.substring_view(0, path.length() - 3);
    return path;
}

static Error compile_failed()
{
    return Error::with_message(ErrorCode::InvalidFormat, "the program has errors; see the diagnostics"sv);
}

static ErrorOr<void> parse_file(
    u16 file_index, SourceFile const& file, AstArena& arena, Diagnostics& diagnostics, Module& module)
{
    module.file = file_index;
    module.path = file.path;
    module.stem = module_name_for_path(file.path);
    module.name = module.stem;
    Lexer lexer(file.text, file_index, diagnostics);
    auto tokens = TRY(lexer.tokenize());
    Parser parser(move(tokens), arena, diagnostics);
    return parser.parse_module(module);
}

ErrorOr<CompiledProgram> compile(
    Span<SourceFile const> files, Diagnostics& diagnostics, CompileOptions const& options)
{
    if (files.is_empty())
        return Error::with_message(ErrorCode::InvalidArgument, "there is no source file to compile"sv);
    AstArena arena;
    Vector<NonnullOwnPtr<Module>> owned_modules;
    Vector<Module*> modules;

    auto add_module = [&](SourceFile const& file, u16 index) -> ErrorOr<void> {
        auto module = TRY(try_make<Module>());
        TRY(parse_file(index, file, arena, diagnostics, *module));
        for (auto* existing : modules) {
            if (existing->stem == module->stem) {
                diagnostics.errorff(
                    {index, 1, 1}, "two files are named '{}'; module names must differ", module->stem);
                break;
            }
        }
        TRY(modules.try_append(module.ptr()));
        TRY(owned_modules.try_append(move(module)));
        return {};
    };

    for (auto const& file : files) {
        auto index = TRY(diagnostics.add_file(file));
        TRY(add_module(file, index));
    }

    // Imports name more files; load each module once, breadth first.
    for (usize m = 0; m < modules.size(); ++m) {
        for (auto* import : modules[m]->imports) {
            bool known = false;
            for (auto* module : modules)
                known = known || module->stem == import->name;
            if (known)
                continue;
            if (!options.import_loader) {
                diagnostics.errorff(import->position, "cannot find the module '{}'", import->name);
                continue;
            }
            if (modules.size() >= max_files) {
                diagnostics.error(import->position, "too many imported files"sv);
                continue;
            }
            StringView requested = import->string.is_empty() ? import->name : import->string.view();
            StringBuilder path;
            TRY(path.try_append(requested));
            if (import->string.is_empty())
                TRY(path.try_append(".ph"sv));
            auto loaded = options.import_loader->load(modules[m]->path, path.string_view());
            if (loaded.is_error()) {
                if (loaded.error().code() == ErrorCode::OutOfMemory)
                    return loaded.release_error();
                diagnostics.errorff(
                    import->position, "cannot import '{}': {}", path.string_view(), loaded.error().message());
                continue;
            }
            auto index
                = TRY(diagnostics.add_owned_file(move(loaded.value().path), move(loaded.value().text)));
            auto file = diagnostics.files()[index];
            TRY(add_module(file, index));
            // The file may be known under its name; the import must find it by that name.
            if (modules.last()->stem != import->name)
                diagnostics.errorff(import->position, "the file '{}' holds module '{}', not '{}'", file.path,
                    modules.last()->stem, import->name);
        }
    }
    if (diagnostics.has_errors())
        return compile_failed();

    // A file named like one of its classes (Point.ph declaring class Point) keeps the name for
    // the class; the file's own class becomes Point_file.
    for (auto* module : modules) {
        bool taken = false;
        for (auto* other : modules) {
            for (auto* klass : other->classes)
                taken = taken || (!klass->is_synthesized && klass->name == module->name);
        }
        if (!taken)
            continue;
        StringBuilder renamed;
        TRY(renamed.try_appendff("{}_file", module->stem));
        module->name = TRY(arena.intern(renamed.string_view()));
        module->file_class->name = module->name;
    }

    // An input's value: its last statement, when that is an expression, becomes main's result.
    if (options.evaluation && !modules[0]->statements.is_empty()) {
        auto* last = modules[0]->statements.last();
        if (last->kind == NodeKind::ExpressionStatement)
            last->kind = NodeKind::Return;
    }

    Resolver resolver(arena, diagnostics, modules);
    resolver.set_environment(options.environment, options.evaluation);
    TRY(resolver.resolve());
    if (diagnostics.has_errors())
        return compile_failed();

    CodeGenerator generator(resolver, diagnostics, options, modules);
    auto program = generator.generate();
    if (program.is_error() && program.error().code() == ErrorCode::OutOfMemory)
        return program.release_error();
    if (diagnostics.has_errors() || program.is_error())
        return compile_failed();
    return program.release_value();
}

ErrorOr<String> dump_syntax_tree(SourceFile const& file, Diagnostics& diagnostics)
{
    AstArena arena;
    Module module;
    auto index = TRY(diagnostics.add_file(file));
    TRY(parse_file(index, file, arena, diagnostics, module));
    return dump_module(module);
}

} // namespace Lang
