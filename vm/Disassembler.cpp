/*
 * vm/Disassembler.cpp: the listing is generated from each opcode's OperandLayout; constants
 * are shown by value (names bare, strings quoted, functions as #index).
 */
#include <vm/Disassembler.h>
#include <vm/natives/Natives.h>

namespace VM {

static ErrorOr<void> append_constant(StringBuilder& out, MethodImage const& method, u16 index)
{
    if (index >= method.constants.size())
        return out.try_appendff("#{}?", index);
    auto const& constant = method.constants[index];
    switch (constant.kind) {
    case ConstantKind::Integer:
        return out.try_appendff("{}", constant.integer);
    case ConstantKind::Float:
        return format_double(out, constant.floating);
    case ConstantKind::String:
        return out.try_appendff("\"{}\"", constant.text.view());
    case ConstantKind::Name:
    case ConstantKind::ClassName:
        return out.try_append(constant.text.view());
    case ConstantKind::Function:
        return out.try_appendff("function #{}", constant.function_index);
    }
    return {};
}

static StringView kind_name(MethodKind kind)
{
    switch (kind) {
    case MethodKind::Instance:
        return "instance"sv;
    case MethodKind::Static:
        return "static"sv;
    case MethodKind::Constructor:
        return "constructor"sv;
    case MethodKind::Function:
        return "function"sv;
    }
    return "?"sv;
}

ErrorOr<u32> disassemble_instruction(StringBuilder& out, MethodImage const& method, u32 offset)
{
    u32 size = static_cast<u32>(method.code.size());
    if (offset >= size || method.code[offset] >= opcode_count)
        return Error::with_message(ErrorCode::InvalidFormat, "unknown opcode"sv);
    auto opcode = static_cast<Opcode>(method.code[offset]);
    auto const& info = opcode_info(opcode);
    u32 length = instruction_size(opcode);
    if (length > size - offset)
        return Error::with_message(
            ErrorCode::InvalidFormat, "instruction operands run past the end of the code"sv);
    u8 const* operands = method.code.data() + offset + 1;
    TRY(out.try_append(info.mnemonic));
    switch (info.layout) {
    case OperandLayout::None:
        break;
    case OperandLayout::Immediate:
        TRY(out.try_appendff(" {}", read_i16(operands)));
        break;
    case OperandLayout::Local:
        TRY(out.try_appendff(" local {}", read_u16(operands)));
        break;
    case OperandLayout::Captured:
        TRY(out.try_appendff(" captured {}", read_u16(operands)));
        break;
    case OperandLayout::Count:
        TRY(out.try_appendff(" count {}", read_u16(operands)));
        break;
    case OperandLayout::Argc:
        TRY(out.try_appendff(" argc={}", operands[0]));
        break;
    case OperandLayout::Constant:
    case OperandLayout::Name:
    case OperandLayout::Function:
    case OperandLayout::NameCache:
        TRY(out.try_append(' '));
        TRY(append_constant(out, method, read_u16(operands)));
        break;
    case OperandLayout::Send:
        TRY(out.try_append(' '));
        TRY(append_constant(out, method, read_u16(operands)));
        TRY(out.try_appendff(" argc={}", operands[OperandOffset::send_argc]));
        break;
    case OperandLayout::Static:
        TRY(out.try_append(' '));
        TRY(append_constant(out, method, read_u16(operands + OperandOffset::static_class)));
        TRY(out.try_append('.'));
        TRY(append_constant(out, method, read_u16(operands + OperandOffset::static_method)));
        TRY(out.try_appendff(" argc={}", operands[OperandOffset::static_argc]));
        break;
    case OperandLayout::Jump:
        TRY(out.try_appendff(" -> {}", static_cast<i64>(offset) + length + read_i32(operands)));
        break;
    }
    return length;
}

ErrorOr<void> disassemble_method(StringBuilder& out, MethodImage const& method)
{
    TRY(out.try_appendff("  method {} {} (parameters {}, locals {}, max stack {})\n", kind_name(method.kind),
        method.name.view(), method.parameter_count, method.local_count, method.max_stack));
    for (auto const& capture : method.captures)
        TRY(out.try_appendff("    capture {} {}\n",
            capture.source == CaptureSource::Local ? "local"sv : "captured"sv, capture.index));
    for (auto const& handler : method.handlers) {
        TRY(out.try_appendff("    handler [{}, {}) -> {} catch {} depth {}\n", handler.start, handler.end,
            handler.handler, handler.catch_class.is_empty() ? "any"sv : handler.catch_class.view(),
            handler.stack_depth));
    }
    usize line_index = 0;
    u32 offset = 0;
    while (offset < method.code.size()) {
        while (line_index < method.lines.size() && method.lines[line_index].offset <= offset) {
            if (method.lines[line_index].offset == offset)
                TRY(out.try_appendff(
                    "    ; line {}:{}\n", method.lines[line_index].line, method.lines[line_index].column));
            ++line_index;
        }
        TRY(out.try_appendff("    {:>5}  ", offset));
        auto length = disassemble_instruction(out, method, offset);
        if (length.is_error()) {
            TRY(out.try_appendff("<{}>\n", length.error().message()));
            return {};
        }
        TRY(out.try_append('\n'));
        offset += length.value();
    }
    return {};
}

ErrorOr<void> disassemble_program(StringBuilder& out, ProgramImage const& program)
{
    TRY(out.try_appendff("program (main class {})\n", program.main_class.view()));
    for (auto const& image : program.classes) {
        TRY(out.try_appendff("class {}", image.name.view()));
        if (!image.superclass_name.is_empty())
            TRY(out.try_appendff(" : {}", image.superclass_name.view()));
        TRY(out.try_appendff(" ({})\n", image.source_file.view()));
        for (auto const& field : image.fields)
            TRY(out.try_appendff("  field {}{}{}\n", field.name.view(),
                field.type_name.is_empty() ? ""sv : ": "sv, field.type_name.view()));
        for (auto const& method : image.methods)
            TRY(disassemble_method(out, method));
        for (usize i = 0; i < image.functions.size(); ++i) {
            TRY(out.try_appendff("  #{}:", i));
            TRY(disassemble_method(out, image.functions[i]));
        }
    }
    return {};
}

} // namespace VM
