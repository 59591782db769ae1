/*
 * tests/vm/VmTestSupport.h: what the VM core tests share: a VM::Host that collects output and
 * errors, a Machine (a heap in its own mapping plus a VM over it), and helpers to make class
 * images and programs by hand (with tests/vm/Assembler.h for the bytecode).
 *
 *     Machine machine;                                   // 16 MiB heap, default options
 *     QCOMPARE(machine.load(program_of(make_class("Main"))), QString());   // "" = loaded
 *     auto result = machine.vm->call_static("Main"sv, "main"sv);
 */
#pragma once

#include "HeapTestSupport.h"
#include <QString>
#include <QtTest>
#include <cstring>
#include <vm/ClassImage.h>
#include <vm/HalClockHost.h>
#include <vm/Heap.h>
#include <vm/VirtualMachine.h>

namespace VmTestSupport {

using HeapTestSupport::Mapping;

class TestHost final : public VM::HalClockHost {
public:
    void write_output(StringView text) override
    {
        output += QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
    }
    void write_error(StringView text) override
    {
        errors += QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
    }

    QString output;
    QString errors;
};

inline QString qt(StringView text)
{
    return QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
}

// A heap in its own mapping and a fresh VM over it.
struct Machine {
    explicit Machine(size_t size = 16 * 1024 * 1024, VM::HeapOptions options = {})
        : mapping(size)
    {
        heap = MUST(VM::Heap::create(mapping.base(), mapping.size(), options));
        vm = MUST(VM::VirtualMachine::create(*heap, host));
    }
    ~Machine()
    {
        vm = nullptr;
        heap = nullptr;
    }
    Machine(Machine const&) = delete;
    Machine& operator=(Machine const&) = delete;

    // Loads a program: the empty string when it loaded, else the loader's message.
    QString load(VM::ProgramImage const& program)
    {
        String message;
        auto loaded = vm->load(program, &message);
        if (!loaded.is_error())
            return {};
        return message.is_empty() ? qt(loaded.error().message()) : qt(message.view());
    }

    Mapping mapping;
    TestHost host;
    OwnPtr<VM::Heap> heap;
    OwnPtr<VM::VirtualMachine> vm;
};

inline VM::ClassImage make_class(char const* name, char const* superclass = "")
{
    VM::ClassImage image;
    image.name = MUST(String::from_view(StringView(name, std::strlen(name))));
    image.superclass_name = MUST(String::from_view(StringView(superclass, std::strlen(superclass))));
    image.source_file = MUST(String::from_view("test.ph"sv));
    return image;
}

// A program of one class, which is also the main class.
inline VM::ProgramImage program_of(VM::ClassImage image)
{
    VM::ProgramImage program;
    program.main_class = image.name;
    program.classes.append(move(image));
    return program;
}

} // namespace VmTestSupport

namespace QTest {

// QCOMPARE(vm->run_main(), 3): compares the value; an error fails with its message.
inline bool qCompare(ErrorOr<int> const& actual, int expected, char const* actual_text,
    char const* expected_text, char const* file, int line)
{
    if (actual.is_error()) {
        auto message = actual.error().message();
        QByteArray text = QByteArray("error: ")
            + QByteArray(message.characters_without_null_termination(), qsizetype(message.length()));
        QTest::qFail(text.constData(), file, line);
        return false;
    }
    return qCompare(actual.value(), expected, actual_text, expected_text, file, line);
}

} // namespace QTest
