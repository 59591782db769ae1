/*
 * tools/phc/main.cpp: phc, the Phantom compiler on the host.
 *
 *     phc hello.ph                 writes hello.phc (the program's class images)
 *     phc -o out.phc main.ph lib.ph
 *     phc --disasm hello.ph        prints the bytecode instead (no file written)
 *     phc --ast hello.ph           prints the syntax tree of each file
 *     phc --check hello.ph         only reports errors
 *
 * Errors are printed as file:line:column with the source line and a caret; the exit status
 * is 0 on success, 1 when the program has errors, 2 for bad usage or unreadable files.
 */
#include <tools/phc/SourceFiles.h>
#include <vm/Disassembler.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace PhantomTools;

static char const usage_text[]
    = "usage: phc [--disasm | --ast | --check] [-o OUTPUT.phc] FILE.ph [MORE.ph ...]\n";

static void print_view(FILE* stream, StringView text)
{
    std::fwrite(text.characters_without_null_termination(), 1, text.length(), stream);
}

int main(int argc, char** argv)
{
    bool disasm = false;
    bool ast = false;
    bool check_only = false;
    std::string output;
    std::vector<std::string> inputs;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--disasm")
            disasm = true;
        else if (argument == "--ast")
            ast = true;
        else if (argument == "--check")
            check_only = true;
        else if (argument == "-o" && i + 1 < argc)
            output = argv[++i];
        else if (argument == "-h" || argument == "--help") {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (!argument.empty() && argument[0] == '-') {
            std::fprintf(stderr, "phc: unknown option %s\n%s", argument.c_str(), usage_text);
            return 2;
        } else
            inputs.push_back(argument);
    }
    if (inputs.empty()) {
        std::fputs(usage_text, stderr);
        return 2;
    }
    std::vector<std::string> texts(inputs.size());
    std::vector<Lang::SourceFile> files;
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (!read_file(inputs[i], texts[i])) {
            std::fprintf(stderr, "phc: cannot read %s\n", inputs[i].c_str());
            return 2;
        }
    }
    for (size_t i = 0; i < inputs.size(); ++i)
        files.push_back(
            {StringView(inputs[i].data(), inputs[i].size()), StringView(texts[i].data(), texts[i].size())});

    if (ast) {
        int status = 0;
        for (auto const& file : files) {
            Lang::Diagnostics diagnostics;
            auto tree = Lang::dump_syntax_tree(file, diagnostics);
            if (!tree.is_error())
                print_view(stdout, tree.value());
            if (diagnostics.has_errors()) {
                print_view(stderr, MUST(diagnostics.render()));
                status = 1;
            }
        }
        return status;
    }

    Lang::Diagnostics diagnostics;
    HostImportLoader loader(standard_library_folder());
    Lang::CompileOptions options;
    options.import_loader = &loader;
    auto program
        = Lang::compile(Span<Lang::SourceFile const>(files.data(), files.size()), diagnostics, options);
    if (program.is_error()) {
        if (diagnostics.has_errors())
            print_view(stderr, MUST(diagnostics.render()));
        else
            std::fprintf(stderr, "phc: %.*s\n", static_cast<int>(program.error().message().length()),
                program.error().message().characters_without_null_termination());
        return 1;
    }
    if (check_only)
        return 0;
    if (disasm) {
        StringBuilder listing;
        if (VM::disassemble_program(listing, program.value()).is_error()) {
            std::fprintf(stderr, "phc: out of memory while listing the program\n");
            return 1;
        }
        print_view(stdout, listing.string_view());
        return 0;
    }
    if (output.empty()) {
        output = inputs[0];
        if (output.size() > 3 && output.compare(output.size() - 3, 3, ".ph") == 0)
            output.resize(output.size() - 3);
        output += ".phc";
    }
    auto bytes = VM::serialize_program(program.value());
    if (bytes.is_error()) {
        std::fprintf(stderr, "phc: cannot encode the program\n");
        return 1;
    }
    FILE* file = std::fopen(output.c_str(), "wb");
    if (!file || std::fwrite(bytes.value().data(), 1, bytes.value().size(), file) != bytes.value().size()) {
        std::fprintf(stderr, "phc: cannot write %s\n", output.c_str());
        if (file)
            std::fclose(file);
        return 2;
    }
    std::fclose(file);
    return 0;
}
