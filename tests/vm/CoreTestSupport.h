/*
 * tests/vm/CoreTestSupport.h: what the interpreter, verifier, exception, thread and native tests
 * share: a Host that captures output, a VM over a fresh mapped heap, and small builders for
 * hand-made class images (no compiler involved, so these tests pin the VM alone).
 */
#pragma once

#include "HeapTestSupport.h"
#include <QtTest>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <vm/ClassImage.h>
#include <vm/Collections.h>
#include <vm/Verifier.h>
#include <vm/VirtualMachine.h>

namespace CoreTest {

inline QString qt(StringView text)
{
    return QString::fromUtf8(
        text.characters_without_null_termination(), static_cast<qsizetype>(text.length()));
}
inline QString qt(String const& text) { return qt(text.view()); }

class CaptureHost final : public VM::Host {
public:
    void write_output(StringView text) override { output += qt(text); }
    void write_error(StringView text) override { errors += qt(text); }
    u64 monotonic_nanoseconds() override { return Hal::monotonic_nanoseconds(); }
    u64 wall_clock_nanoseconds() override { return Hal::wall_clock_nanoseconds(); }
    void sleep_until(u64 deadline) override { Hal::sleep_until(deadline); }
    QString output;
    QString errors;
};

// A VM over a fresh heap of `size` bytes.
class Machine {
public:
    explicit Machine(size_t size = 64 * 1024 * 1024, VM::HeapOptions options = {})
        : mapping(size)
    {
        // PHANTOM_GC_STRESS=1 runs every test with a collection before each allocation.
        if (qEnvironmentVariableIsSet("PHANTOM_GC_STRESS"))
            options.stress = VM::GcStress::Yes;
        auto created = VM::Heap::create(mapping.base(), mapping.size(), options);
        if (created.is_error())
            qFatal("heap creation failed");
        heap = created.release_value().leak_ptr();
        auto made = VM::VirtualMachine::create(*heap, host);
        if (made.is_error())
            qFatal("VM creation failed: %s", made.error().message().characters_without_null_termination());
        vm = made.release_value().leak_ptr();
    }
    ~Machine()
    {
        delete vm;
        delete heap;
    }
    // Loads the program; on failure returns the loader's message.
    QString load(VM::ProgramImage const& program)
    {
        String message;
        auto result = vm->load(program, &message);
        if (result.is_error())
            return message.is_empty() ? qt(result.error().message()) : qt(message);
        return {};
    }

    HeapTestSupport::Mapping mapping;
    CaptureHost host;
    VM::Heap* heap {nullptr};
    VM::VirtualMachine* vm {nullptr};
};

inline String string(char const* text) { return MUST(String::from_view(StringView(text))); }

// A class image with the given name and superclass (empty = Object).
inline VM::ClassImage make_class(char const* name, char const* superclass = "")
{
    VM::ClassImage image;
    image.name = string(name);
    image.superclass_name = string(superclass);
    image.source_file = string("test.ph");
    return image;
}

inline VM::ProgramImage program_of(VM::ClassImage&& image, char const* main_class = nullptr)
{
    VM::ProgramImage program;
    program.main_class = string(main_class ? main_class : image.name.characters());
    program.classes.append(move(image));
    return program;
}

} // namespace CoreTest
