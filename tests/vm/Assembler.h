/*
 * tests/vm/Assembler.h: a terse front for VM::MethodBuilder in tests, so hand-written bytecode
 * reads like a listing:
 *
 *     Assembler a;
 *     a.load_local(1).push_int(2).op(Opcode::Less);
 *     auto done = a.jump(Opcode::JumpIfFalse);
 *     ...
 *     image.methods.append(a.finish("fib", MethodKind::Static, 1));
 */
#pragma once

#include "CoreTestSupport.h"

namespace CoreTest {

using VM::MethodKind;
using VM::Opcode;

class Assembler {
public:
    Assembler& op(Opcode opcode)
    {
        MUST(m_builder.emit(opcode));
        return *this;
    }
    Assembler& op(Opcode opcode, u16 operand)
    {
        MUST(m_builder.emit(opcode, operand));
        return *this;
    }
    Assembler& push_int(i16 value)
    {
        MUST(m_builder.emit_push_int(value));
        return *this;
    }
    Assembler& push_integer(i64 value)
    {
        return op(Opcode::PushConstant, MUST(m_builder.add_integer(value)));
    }
    Assembler& push_float(double value) { return op(Opcode::PushConstant, MUST(m_builder.add_float(value))); }
    Assembler& push_string(char const* text)
    {
        return op(Opcode::PushConstant, MUST(m_builder.add_string(StringView(text))));
    }
    Assembler& load_local(u16 index) { return op(Opcode::LoadLocal, index); }
    Assembler& store_local(u16 index) { return op(Opcode::StoreLocal, index); }
    Assembler& field(Opcode opcode, char const* name)
    {
        MUST(m_builder.emit_name(opcode, MUST(m_builder.add_name(StringView(name)))));
        return *this;
    }
    Assembler& global(Opcode opcode, char const* name) { return field(opcode, name); }
    Assembler& send(char const* name, u8 argc, Opcode opcode = Opcode::Send)
    {
        MUST(m_builder.emit_send(opcode, MUST(m_builder.add_name(StringView(name))), argc));
        return *this;
    }
    Assembler& call_static(char const* klass, char const* name, u8 argc, Opcode opcode = Opcode::CallStatic)
    {
        MUST(m_builder.emit_static(opcode, MUST(m_builder.add_class_name(StringView(klass))),
            MUST(m_builder.add_name(StringView(name))), argc));
        return *this;
    }
    Assembler& new_object(char const* klass, u8 argc, char const* constructor = "init")
    {
        return call_static(klass, constructor, argc, Opcode::New);
    }
    Assembler& call(u8 argc)
    {
        MUST(m_builder.emit_argc(Opcode::Call, argc));
        return *this;
    }
    Assembler& type(Opcode opcode, char const* klass)
    {
        return op(opcode, MUST(m_builder.add_class_name(StringView(klass))));
    }
    Assembler& closure(u32 function_index)
    {
        return op(Opcode::MakeClosure, MUST(m_builder.add_function(function_index)));
    }
    Assembler& line(u32 line)
    {
        MUST(m_builder.mark_position(line, 1));
        return *this;
    }
    Assembler& capture(VM::CaptureSource source, u16 index)
    {
        MUST(m_builder.add_capture(source, index));
        return *this;
    }
    Assembler& locals(u16 count)
    {
        m_builder.set_local_count(count);
        return *this;
    }
    Assembler& handler(u32 start, u32 end, u32 target, char const* klass, u16 depth)
    {
        MUST(m_builder.add_handler(start, end, target, StringView(klass), depth));
        return *this;
    }

    VM::MethodBuilder::JumpLabel jump(Opcode opcode) { return MUST(m_builder.emit_jump(opcode)); }
    void jump_to(Opcode opcode, u32 target) { MUST(m_builder.emit_jump_to(opcode, target)); }
    void here(VM::MethodBuilder::JumpLabel label) { m_builder.patch_jump_to_here(label); }
    u32 offset() const { return m_builder.offset(); }

    VM::MethodImage finish(char const* name, MethodKind kind, u16 parameters)
    {
        String message;
        auto method = m_builder.finish(StringView(name), kind, parameters, &message);
        if (method.is_error())
            qFatal("assembling %s failed: %s", name, message.characters());
        return method.release_value();
    }

private:
    VM::MethodBuilder m_builder;
};

} // namespace CoreTest
