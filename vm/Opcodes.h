/*
 * vm/Opcodes.h: the Phantom bytecode, declared once. PHANTOM_ENUMERATE_OPCODES(O) lists every
 * instruction as O(Name, "mnemonic", OperandLayout, StackEffect, pops, pushes); the
 * interpreter's dispatch table, the disassembler, the verifier and the compiler's emit
 * helpers are all generated from it. docs/bytecode.md explains each instruction.
 *
 * Encoding: one opcode byte followed by its operands, little-endian, unaligned. Jump offsets
 * are signed 32-bit and relative to the first byte AFTER the jump instruction.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>

namespace VM {

// How the bytes after an opcode are laid out.
//   None        no operand
//   Immediate   i16 small integer
//   Local       u16 local slot (0 = the receiver, then parameters, then other locals)
//   Captured    u16 index into the running closure's captured boxes
//   Constant    u16 index into the method's constant table
//   Name        u16 constant index; the constant must be a Name (or a ClassName)
//   NameCache   u16 name constant, u16 inline-cache number (assigned by the loader)
//   Send        u16 name constant, u8 argument count, u16 inline-cache number
//   Static      u16 class-name constant, u16 method-name constant, u8 argument count,
//               u16 inline-cache number
//   Count       u16 element count
//   Argc        u8 argument count
//   Jump        i32 offset from the end of the instruction
//   Function    u16 constant index; the constant must be a Function
enum class OperandLayout : u8 {
    None,
    Immediate,
    Local,
    Captured,
    Constant,
    Name,
    NameCache,
    Send,
    Static,
    Count,
    Argc,
    Jump,
    Function,
};

// How many values an instruction pops and pushes.
//   Fixed            the pops/pushes columns of the table
//   ReceiverAndArgs  pops argc + 1 (receiver or callee, then the arguments), pushes 1
//   Args             pops argc, pushes 1
//   Elements         pops count, pushes 1
//   Pairs            pops 2 * count (key, value, key, value...), pushes 1
enum class StackEffect : u8 {
    Fixed,
    ReceiverAndArgs,
    Args,
    Elements,
    Pairs,
};

// clang-format off
#define PHANTOM_ENUMERATE_OPCODES(O)                                                                  \
    /* Constants and the stack */                                                                     \
    O(Nop,            "nop",             None,      Fixed,           0, 0)                            \
    O(PushNil,        "push_nil",        None,      Fixed,           0, 1)                            \
    O(PushTrue,       "push_true",       None,      Fixed,           0, 1)                            \
    O(PushFalse,      "push_false",      None,      Fixed,           0, 1)                            \
    O(PushSelf,       "push_self",       None,      Fixed,           0, 1)                            \
    O(PushInt,        "push_int",        Immediate, Fixed,           0, 1)                            \
    O(PushConstant,   "push_constant",   Constant,  Fixed,           0, 1)                            \
    O(Pop,            "pop",             None,      Fixed,           1, 0)                            \
    O(Dup,            "dup",             None,      Fixed,           1, 2)                            \
    O(Dup2,           "dup2",            None,      Fixed,           2, 4)                            \
    O(Swap,           "swap",            None,      Fixed,           2, 2)                            \
    /* Locals and captured variables (boxes) */                                                       \
    O(LoadLocal,      "load_local",      Local,     Fixed,           0, 1)                            \
    O(StoreLocal,     "store_local",     Local,     Fixed,           1, 0)                            \
    O(MakeBox,        "make_box",        Local,     Fixed,           0, 0)                            \
    O(LoadBox,        "load_box",        Local,     Fixed,           0, 1)                            \
    O(StoreBox,       "store_box",       Local,     Fixed,           1, 0)                            \
    O(LoadCaptured,   "load_captured",   Captured,  Fixed,           0, 1)                            \
    O(StoreCaptured,  "store_captured",  Captured,  Fixed,           1, 0)                            \
    /* Fields (by name, inline cache: class -> slot) */                                               \
    O(LoadField,      "load_field",      NameCache, Fixed,           1, 1)                            \
    O(StoreField,     "store_field",     NameCache, Fixed,           2, 0)                            \
    O(LoadSelfField,  "load_self_field", NameCache, Fixed,           0, 1)                            \
    O(StoreSelfField, "store_self_field",NameCache, Fixed,           1, 0)                            \
    /* Globals: classes and program-wide variables, by name */                                        \
    O(LoadGlobal,     "load_global",     NameCache, Fixed,           0, 1)                            \
    O(StoreGlobal,    "store_global",    NameCache, Fixed,           1, 0)                            \
    /* Arithmetic, comparison and logic (integer fast paths, else float, else a send) */              \
    O(Add,            "add",             None,      Fixed,           2, 1)                            \
    O(Subtract,       "subtract",        None,      Fixed,           2, 1)                            \
    O(Multiply,       "multiply",        None,      Fixed,           2, 1)                            \
    O(Divide,         "divide",          None,      Fixed,           2, 1)                            \
    O(Modulo,         "modulo",          None,      Fixed,           2, 1)                            \
    O(Negate,         "negate",          None,      Fixed,           1, 1)                            \
    O(BitAnd,         "bit_and",         None,      Fixed,           2, 1)                            \
    O(BitOr,          "bit_or",          None,      Fixed,           2, 1)                            \
    O(BitXor,         "bit_xor",         None,      Fixed,           2, 1)                            \
    O(ShiftLeft,      "shift_left",      None,      Fixed,           2, 1)                            \
    O(ShiftRight,     "shift_right",     None,      Fixed,           2, 1)                            \
    O(Equal,          "equal",           None,      Fixed,           2, 1)                            \
    O(NotEqual,       "not_equal",       None,      Fixed,           2, 1)                            \
    O(Less,           "less",            None,      Fixed,           2, 1)                            \
    O(LessEqual,      "less_equal",      None,      Fixed,           2, 1)                            \
    O(Greater,        "greater",         None,      Fixed,           2, 1)                            \
    O(GreaterEqual,   "greater_equal",   None,      Fixed,           2, 1)                            \
    O(Not,            "not",             None,      Fixed,           1, 1)                            \
    O(Identical,      "identical",       None,      Fixed,           2, 1)                            \
    O(InstanceOf,     "instance_of",     Name,      Fixed,           1, 1)                            \
    O(CheckType,      "check_type",      Name,      Fixed,           1, 1)                            \
    /* Jumps (a backward jump is a safepoint) */                                                      \
    O(Jump,           "jump",            Jump,      Fixed,           0, 0)                            \
    O(JumpIfFalse,    "jump_if_false",   Jump,      Fixed,           1, 0)                            \
    O(JumpIfTrue,     "jump_if_true",    Jump,      Fixed,           1, 0)                            \
    O(JumpIfNil,      "jump_if_nil",     Jump,      Fixed,           1, 0)                            \
    O(AndJump,        "and_jump",        Jump,      Fixed,           1, 1)                            \
    O(OrJump,         "or_jump",         Jump,      Fixed,           1, 1)                            \
    /* Calls (a call is a safepoint) */                                                               \
    O(Send,           "send",            Send,      ReceiverAndArgs, 0, 1)                            \
    O(SuperSend,      "super_send",      Send,      ReceiverAndArgs, 0, 1)                            \
    O(CallStatic,     "call_static",     Static,    Args,            0, 1)                            \
    O(New,            "new",             Static,    Args,            0, 1)                            \
    O(Call,           "call",            Argc,      ReceiverAndArgs, 0, 1)                            \
    O(Return,         "return",          None,      Fixed,           1, 0)                            \
    O(ReturnNil,      "return_nil",      None,      Fixed,           0, 0)                            \
    /* Literals and closures */                                                                       \
    O(MakeArray,      "make_array",      Count,     Elements,        0, 1)                            \
    O(MakeMap,        "make_map",        Count,     Pairs,           0, 1)                            \
    O(MakeClosure,    "make_closure",    Function,  Fixed,           0, 1)                            \
    O(GetIndex,       "get_index",       None,      Fixed,           2, 1)                            \
    O(SetIndex,       "set_index",       None,      Fixed,           3, 0)                            \
    /* Exceptions (handlers are table-driven; see MethodImage::handlers) */                           \
    O(Throw,          "throw",           None,      Fixed,           1, 0)                            \
    /* Fused forms of common shapes, emitted by the compiler (appended so that the numbers of */     \
    /* the instructions above never change). add_int/subtract_int: x + i16, x - i16. test_*: */      \
    /* a comparison whose result only feeds the jump_if_false/jump_if_true right after it */         \
    /* (the verifier requires one there); integers compare and jump in one step, anything else */    \
    /* runs as the plain comparison followed by that jump. */                                       \
    O(AddInt,         "add_int",         Immediate, Fixed,           1, 1)                            \
    O(SubtractInt,    "subtract_int",    Immediate, Fixed,           1, 1)                            \
    O(TestEqual,      "test_equal",      None,      Fixed,           2, 1)                            \
    O(TestNotEqual,   "test_not_equal",  None,      Fixed,           2, 1)                            \
    O(TestLess,       "test_less",       None,      Fixed,           2, 1)                            \
    O(TestLessEqual,  "test_less_equal", None,      Fixed,           2, 1)                            \
    O(TestGreater,    "test_greater",    None,      Fixed,           2, 1)                            \
    O(TestGreaterEqual, "test_greater_equal", None, Fixed,           2, 1)
// clang-format on

enum class Opcode : u8 {
#define PHANTOM_OPCODE_ENUMERATOR(name, mnemonic, layout, effect, pops, pushes) name,
    PHANTOM_ENUMERATE_OPCODES(PHANTOM_OPCODE_ENUMERATOR)
#undef PHANTOM_OPCODE_ENUMERATOR
};

constexpr u32 opcode_count = 0
#define PHANTOM_OPCODE_COUNT(name, mnemonic, layout, effect, pops, pushes) +1
    PHANTOM_ENUMERATE_OPCODES(PHANTOM_OPCODE_COUNT)
#undef PHANTOM_OPCODE_COUNT
    ;

// Static facts about one opcode, generated from the table.
struct OpcodeInfo {
    StringView mnemonic;
    OperandLayout layout;
    StackEffect effect;
    u8 pops;
    u8 pushes;
};

constexpr OpcodeInfo opcode_infos[] = {
#define PHANTOM_OPCODE_INFO(name, mnemonic, layout, effect, pops, pushes)                                    \
    {StringView(mnemonic), OperandLayout::layout, StackEffect::effect, pops, pushes},
    PHANTOM_ENUMERATE_OPCODES(PHANTOM_OPCODE_INFO)
#undef PHANTOM_OPCODE_INFO
};

[[nodiscard]] constexpr OpcodeInfo const& opcode_info(Opcode opcode)
{
    return opcode_infos[static_cast<u8>(opcode)];
}

// Total encoded size in bytes of the operands of an instruction with this layout.
[[nodiscard]] constexpr u32 operand_size(OperandLayout layout)
{
    switch (layout) {
    case OperandLayout::None:
        return 0;
    case OperandLayout::Immediate:
    case OperandLayout::Local:
    case OperandLayout::Captured:
    case OperandLayout::Constant:
    case OperandLayout::Name:
    case OperandLayout::Count:
    case OperandLayout::Function:
        return 2;
    case OperandLayout::NameCache:
        return 4;
    case OperandLayout::Send:
        return 5;
    case OperandLayout::Static:
        return 7;
    case OperandLayout::Argc:
        return 1;
    case OperandLayout::Jump:
        return 4;
    }
    return 0;
}

// Size of a whole instruction (opcode byte included).
[[nodiscard]] constexpr u32 instruction_size(Opcode opcode)
{
    return 1 + operand_size(opcode_info(opcode).layout);
}

// Whether an opcode carries an inline-cache number (the loader numbers them per method).
[[nodiscard]] constexpr bool has_inline_cache(OperandLayout layout)
{
    return layout == OperandLayout::NameCache || layout == OperandLayout::Send
        || layout == OperandLayout::Static;
}

// Whether an opcode is a test_* (a comparison that must be followed by a conditional jump).
[[nodiscard]] constexpr bool is_test(Opcode opcode)
{
    return opcode >= Opcode::TestEqual && opcode <= Opcode::TestGreaterEqual;
}

// The test_* form of a comparison opcode (equal, not_equal, less...), or Nop if it has none.
[[nodiscard]] constexpr Opcode test_form(Opcode comparison)
{
    switch (comparison) {
    case Opcode::Equal:
        return Opcode::TestEqual;
    case Opcode::NotEqual:
        return Opcode::TestNotEqual;
    case Opcode::Less:
        return Opcode::TestLess;
    case Opcode::LessEqual:
        return Opcode::TestLessEqual;
    case Opcode::Greater:
        return Opcode::TestGreater;
    case Opcode::GreaterEqual:
        return Opcode::TestGreaterEqual;
    default:
        return Opcode::Nop;
    }
}

// Little-endian operand access, shared by everything that reads or writes code.
[[nodiscard]] inline u16 read_u16(u8 const* bytes) { return static_cast<u16>(bytes[0] | (bytes[1] << 8)); }
[[nodiscard]] inline i16 read_i16(u8 const* bytes) { return static_cast<i16>(read_u16(bytes)); }
[[nodiscard]] inline i32 read_i32(u8 const* bytes)
{
    return static_cast<i32>(static_cast<u32>(bytes[0]) | (static_cast<u32>(bytes[1]) << 8)
        | (static_cast<u32>(bytes[2]) << 16) | (static_cast<u32>(bytes[3]) << 24));
}
inline void write_u16(u8* bytes, u16 value)
{
    bytes[0] = static_cast<u8>(value);
    bytes[1] = static_cast<u8>(value >> 8);
}
inline void write_i32(u8* bytes, i32 value)
{
    auto bits = static_cast<u32>(value);
    for (int i = 0; i < 4; ++i)
        bytes[i] = static_cast<u8>(bits >> (8 * i));
}

// Offsets of the fields inside an instruction's operand bytes (after the opcode byte).
namespace OperandOffset {
    constexpr u32 name = 0;          // NameCache, Send: name constant
    constexpr u32 name_cache = 2;    // NameCache: cache number
    constexpr u32 send_argc = 2;     // Send: argument count
    constexpr u32 send_cache = 3;    // Send: cache number
    constexpr u32 static_class = 0;  // Static: class-name constant
    constexpr u32 static_method = 2; // Static: method-name constant
    constexpr u32 static_argc = 4;   // Static: argument count
    constexpr u32 static_cache = 5;  // Static: cache number
} // namespace OperandOffset

} // namespace VM
