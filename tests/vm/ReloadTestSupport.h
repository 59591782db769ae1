/*
 * tests/vm/ReloadTestSupport.h: what the hot reload and restart tests share: a VM::Host that
 * collects output (and can ask the VM to stop at a safepoint after a number of writes), and
 * a helper compiling Phantom source text to a program image with the real compiler.
 */
#pragma once

#include "HeapTestSupport.h"
#include <QString>
#include <functional>
#include <vm/HalClockHost.h>
#include <vm/Heap.h>
#include <vm/VirtualMachine.h>
#include <vm/lang/Compiler.h>

namespace ReloadTestSupport {

class TestHost final : public VM::HalClockHost {
public:
    void write_output(StringView text) override
    {
        output += QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
        ++writes;
        if (on_write)
            on_write(writes);
    }
    void write_error(StringView text) override
    {
        errors += QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
    }

    QString output;
    QString errors;
    int writes {0};
    std::function<void(int)> on_write;
};

// Compiles one source file; on failure the test fails with the rendered diagnostics.
inline bool compile(
    char const* path, char const* source, VM::ProgramImage& program, QString& diagnostics_text)
{
    Lang::SourceFile file {StringView(path, std::strlen(path)), StringView(source, std::strlen(source))};
    Lang::Diagnostics diagnostics;
    auto compiled = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics);
    if (compiled.is_error()) {
        auto rendered = diagnostics.render();
        diagnostics_text = rendered.is_error() ? QString("compile error")
                                               : QString::fromUtf8(rendered.value().characters());
        return false;
    }
    program = compiled.release_value();
    return true;
}

inline VM::ClassImage const* find_class_image(VM::ProgramImage const& program, char const* name)
{
    for (auto const& image : program.classes) {
        if (image.name.view() == StringView(name, std::strlen(name)))
            return &image;
    }
    return nullptr;
}

inline QString text_of_value(VM::Value value)
{
    if (value.is_integer())
        return QString::number(value.as_integer());
    if (value.is_nil())
        return "nil";
    auto* object = value.as_object();
    if (object->kind == VM::ObjectKind::String || object->kind == VM::ObjectKind::Symbol) {
        auto text = object->bytes_as_string_view();
        return QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
    }
    return QString("<object of kind %1>").arg(int(object->kind));
}

inline QString to_qstring(StringView text)
{
    return QString::fromUtf8(text.characters_without_null_termination(), qsizetype(text.length()));
}

} // namespace ReloadTestSupport
