/*
 * tests/fuzz/CompilerFuzz.cpp: libFuzzer target for the Phantom compiler. The input bytes are
 * one source file. Compiling must never crash, hang or leak, whatever the bytes; errors are
 * fine. When the input does compile, the class images must pass the VM's verifier (the code
 * generator never emits code the loader would refuse) and survive a .phc round trip, and
 * rendering the diagnostics must work for any input.
 */
#include <base/Assertions.h>
#include <vm/ClassImage.h>
#include <vm/Verifier.h>
#include <vm/lang/Compiler.h>

extern "C" int LLVMFuzzerTestOneInput(u8 const* data, usize size)
{
    Lang::SourceFile file {"fuzz.ph"sv, StringView(reinterpret_cast<char const*>(data), size)};
    Lang::Diagnostics diagnostics;
    auto program = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics);
    if (program.is_error()) {
        // Only an out-of-memory failure may come without a diagnostic.
        VERIFY(diagnostics.has_errors() || program.error().code() == ErrorCode::OutOfMemory);
        auto rendered = diagnostics.render();
        VERIFY(!rendered.is_error() || rendered.error().code() == ErrorCode::OutOfMemory);
        return 0;
    }
    VERIFY(!diagnostics.has_errors());
    String message;
    VERIFY(!VM::verify_program(program.value(), &message).is_error());
    auto bytes = VM::serialize_program(program.value());
    if (bytes.is_error())
        return 0;
    auto parsed = VM::parse_program(bytes.value().span());
    VERIFY(!parsed.is_error());
    VERIFY(parsed.value().classes.size() == program.value().classes.size());
    return 0;
}
