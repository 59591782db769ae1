/*
 * tools/phantom-vm/main.cpp: phantom-vm, the hosted runner and a student's first contact.
 *
 *     phantom-vm hello.ph          compile and run
 *     phantom-vm hello.phc         run a program compiled by phc
 *     phantom-vm greet.ph Ada      the program sees args == ["Ada"]
 *
 * Program output goes to stdout. The exit status is the program's: main's integer result
 * (a top-level `return 3`) or exit(n); 1 after an uncaught exception (its trace goes to
 * stderr); 2 when the program does not compile (the errors go to stderr) or cannot be
 * loaded. The VM's heap is an address range this tool maps and hands to it.
 */
#include <tools/phc/SourceFiles.h>
#include <vm/Collections.h>
#include <vm/HalClockHost.h>
#include <vm/Heap.h>
#include <vm/VirtualMachine.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>

using namespace PhantomTools;

namespace {

class ConsoleHost final : public VM::HalClockHost {
public:
    void write_output(StringView text) override
    {
        std::fwrite(text.characters_without_null_termination(), 1, text.length(), stdout);
    }
    void write_error(StringView text) override
    {
        std::fflush(stdout);
        std::fwrite(text.characters_without_null_termination(), 1, text.length(), stderr);
    }
};

void print_view(FILE* stream, StringView text)
{
    std::fwrite(text.characters_without_null_termination(), 1, text.length(), stream);
}

bool ends_with(std::string const& text, char const* suffix)
{
    size_t length = std::strlen(suffix);
    return text.size() >= length && text.compare(text.size() - length, length, suffix) == 0;
}

// The program's command-line arguments (after the program's name) as the global `args`, an
// array of strings. Every value is held in a Handle while the next one is allocated.
ErrorOr<void> set_arguments(VM::VirtualMachine& vm, int argc, char** argv)
{
    VM::Handle name(vm.heap(), TRY(vm.intern("args"sv)));
    VM::Handle array(vm.heap(), TRY(vm.make_array(static_cast<u32>(argc))));
    for (int i = 0; i < argc; ++i) {
        auto text = TRY(vm.make_string(StringView(argv[i])));
        TRY(VM::array_push(vm, array.value(), text));
    }
    return vm.set_global(name.value(), array.value());
}

// The heap range: reserved address space, backed by memory only where the VM touches it.
constexpr size_t heap_size = size_t(1) << 30;

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::fputs("usage: phantom-vm PROGRAM.ph|PROGRAM.phc [ARGUMENTS...]\n", argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    std::string path = argv[1];
    std::string text;
    if (!read_file(path, text)) {
        std::fprintf(stderr, "phantom-vm: cannot read %s\n", path.c_str());
        return 2;
    }

    VM::ProgramImage program;
    if (ends_with(path, ".phc")) {
        String message;
        auto parsed = VM::parse_program(
            ReadonlyBytes(reinterpret_cast<u8 const*>(text.data()), text.size()), &message);
        if (parsed.is_error()) {
            std::fprintf(stderr, "phantom-vm: %s is not a valid class image file: %s\n", path.c_str(),
                message.is_empty() ? "bad format" : message.characters());
            return 2;
        }
        program = parsed.release_value();
    } else {
        Lang::SourceFile file {StringView(path.data(), path.size()), StringView(text.data(), text.size())};
        Lang::Diagnostics diagnostics;
        HostImportLoader loader(standard_library_folder());
        Lang::CompileOptions options;
        options.import_loader = &loader;
        auto compiled = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
        if (compiled.is_error()) {
            if (diagnostics.has_errors())
                print_view(stderr, MUST(diagnostics.render()));
            else
                std::fprintf(stderr, "phantom-vm: %.*s\n",
                    static_cast<int>(compiled.error().message().length()),
                    compiled.error().message().characters_without_null_termination());
            return 2;
        }
        program = compiled.release_value();
    }

    void* base = mmap(
        nullptr, heap_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) {
        std::fprintf(stderr, "phantom-vm: cannot reserve %zu bytes for the heap\n", heap_size);
        return 2;
    }
    VM::HeapOptions heap_options;
    if (std::getenv("PHANTOM_GC_STRESS"))
        heap_options.stress = VM::GcStress::Yes;
    auto heap = VM::Heap::create(base, heap_size, heap_options);
    if (heap.is_error()) {
        std::fprintf(stderr, "phantom-vm: cannot create the heap\n");
        return 2;
    }
    ConsoleHost host;
    auto vm = VM::VirtualMachine::create(*heap.value(), host);
    if (vm.is_error()) {
        std::fprintf(stderr, "phantom-vm: cannot start the VM\n");
        return 2;
    }
    String message;
    if (auto loaded = vm.value()->load(program, &message); loaded.is_error()) {
        std::fprintf(stderr, "phantom-vm: the program was rejected: %s\n",
            message.is_empty() ? "invalid class image" : message.characters());
        return 2;
    }
    if (set_arguments(*vm.value(), argc - 2, argv + 2).is_error()) {
        std::fprintf(stderr, "phantom-vm: cannot pass the arguments to the program\n");
        return 2;
    }
    auto status = vm.value()->run_main();
    std::fflush(stdout);
    if (status.is_error()) {
        std::fprintf(stderr, "phantom-vm: %.*s\n", static_cast<int>(status.error().message().length()),
            status.error().message().characters_without_null_termination());
        return 1;
    }
    return status.value();
}
