/*
 * vm/lang/Compiler.h: the Phantom compiler's entry point.
 *
 *     Lang::SourceFile files[] = {{"hello.ph"sv, text}};
 *     Lang::Diagnostics diagnostics;
 *     auto program = Lang::compile(files, diagnostics);
 *     if (program.is_error()) print(TRY(diagnostics.render()));
 *
 * The first file is the program: its top-level statements become the static `main` of a
 * class named after the file (hello.ph -> class `hello`; Point.ph declaring class Point ->
 * `Point_file`), which runs after the top-level code of every imported file.
 * `import "shapes.ph"` names another file; the caller supplies it, either in `files` or
 * through an ImportLoader (the compiler itself never touches a file system: it is
 * freestanding and runs inside the OS too).
 *
 * compile() never crashes and never loops on any input: every problem is a diagnostic
 * (file:line:column, a message, the source line and a caret), and several are reported in
 * one run. The result is an Error when there were diagnostics of severity Error.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <base/String.h>
#include <vm/ClassImage.h>
#include <vm/lang/Diagnostics.h>

namespace Lang {

// Finds the text of an imported file. `importer` is the path of the importing file and
// `path` the import as written ("shapes.ph", "lib/util.ph" or a bare module name such as
// `util`, which means "util.ph"). The loader returns the resolved path and the text; the
// compiler keeps both alive until compile() returns.
class ImportLoader {
public:
    struct LoadedFile {
        String path;
        String text;
    };
    virtual ErrorOr<LoadedFile> load(StringView importer, StringView path) = 0;

protected:
    ~ImportLoader() = default;
};

// Names a running VM already has, for code compiled into it (the object shell): a free
// identifier that the program does not declare resolves to one of these classes or globals.
class NameEnvironment {
public:
    virtual bool has_class(StringView name) const = 0;
    virtual bool has_global(StringView name) const = 0;

protected:
    ~NameEnvironment() = default;
};

struct CompileOptions {
    ImportLoader* import_loader {nullptr};
    NameEnvironment const* environment {nullptr};
    // Evaluation mode (one object-shell input): the program's top-level `var`s and `let`s are
    // VM globals under their own names (they outlive the input), and when the last top-level
    // statement is an expression, main returns its value.
    bool evaluation {false};
    // Emit CheckType at the entry of functions whose parameters carry type annotations and
    // where an annotated variable receives a value of unknown type.
    bool runtime_type_checks {true};
};

// The compiled program: VM::ProgramImage (class images plus the name of the main class).
using CompiledProgram = VM::ProgramImage;

[[nodiscard]] ErrorOr<CompiledProgram> compile(
    Span<SourceFile const> files, Diagnostics&, CompileOptions const& = {});

// For tests and `phc --ast`: parses one file and renders its syntax tree (diagnostics as
// for compile()).
[[nodiscard]] ErrorOr<String> dump_syntax_tree(SourceFile const&, Diagnostics&);

// The class name the compiler gives a file's top-level code: the file name without folders
// and ".ph" ("examples/hello.ph" -> "hello").
[[nodiscard]] StringView module_name_for_path(StringView path);

} // namespace Lang
