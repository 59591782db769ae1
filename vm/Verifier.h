/*
 * vm/Verifier.h: checks class images before anything in them runs. Every method is decoded
 * instruction by instruction (known opcodes, complete operands, indices in range, constants
 * of the right kind, jump targets on instruction boundaries) and its operand-stack depth is
 * followed along every path, including into exception handlers (no underflow, never above
 * max_stack, the same depth wherever paths meet, no falling off the end of the code).
 *
 * Each rule has its own Error (VerifierError::*), and `message` receives the full sentence:
 *     "class Point, method norm, offset 12: stack underflow: add needs 2 values, 1 on the stack"
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <vm/ClassImage.h>

namespace VM {

// The rules, declared once. Each rejection names exactly one of them.
#define PHANTOM_ENUMERATE_VERIFIER_RULES(R)                                                                  \
    R(EmptyClassName, "class has no name")                                                                   \
    R(DuplicateClass, "two classes have the same name")                                                      \
    R(DuplicateField, "two fields have the same name")                                                       \
    R(DuplicateMethod, "two methods of the same kind have the same name")                                    \
    R(EmptyMethodName, "method has no name")                                                                 \
    R(BadMethodKind, "function bodies belong in the functions table and methods elsewhere")                  \
    R(BadLocalCount, "local count is smaller than parameters plus receiver")                                 \
    R(EmptyCode, "method has no code")                                                                       \
    R(UnknownOpcode, "unknown opcode")                                                                       \
    R(TruncatedInstruction, "instruction operands run past the end of the code")                             \
    R(LocalOutOfRange, "local index out of range")                                                           \
    R(CapturedOutOfRange, "captured variable index out of range")                                            \
    R(ConstantOutOfRange, "constant index out of range")                                                     \
    R(WrongConstantKind, "constant has the wrong kind for this operand")                                     \
    R(FunctionOutOfRange, "function index out of range")                                                     \
    R(BadCapture, "closure capture descriptor out of range")                                                 \
    R(JumpOutOfRange, "jump target outside the code")                                                        \
    R(JumpIntoInstruction, "jump target is not at an instruction boundary")                                  \
    R(StackUnderflow, "stack underflow")                                                                     \
    R(StackOverflow, "stack deeper than the declared max stack")                                             \
    R(InconsistentStack, "stack depth differs between paths that meet")                                      \
    R(FallsOffEnd, "execution can run past the end of the code")                                             \
    R(BadHandlerRange, "exception handler range is invalid")                                                 \
    R(BadHandlerTarget, "exception handler target is not at an instruction boundary")                        \
    R(BadHandlerDepth, "exception handler stack depth is deeper than the stack inside its range")            \
    R(BadLineTable, "line table offsets are not sorted or lie outside the code")                             \
    R(TooManyCaches, "method has more than 65535 inline-cache sites")                                        \
    R(MissingMainClass, "the program's main class does not exist")                                           \
    R(TestWithoutJump, "a test instruction is not followed by jump_if_false or jump_if_true")

enum class VerifierRule : u8 {
#define PHANTOM_VERIFIER_RULE_ENUMERATOR(name, text) name,
    PHANTOM_ENUMERATE_VERIFIER_RULES(PHANTOM_VERIFIER_RULE_ENUMERATOR)
#undef PHANTOM_VERIFIER_RULE_ENUMERATOR
};

// The Error for a rule (ErrorCode::InvalidFormat with the rule's text).
[[nodiscard]] Error verifier_error(VerifierRule);
// The rule an Error from the verifier stands for, if it is one.
[[nodiscard]] bool is_verifier_error(Error const&, VerifierRule);

[[nodiscard]] ErrorOr<void> verify_program(ProgramImage const&, String* message = nullptr);
[[nodiscard]] ErrorOr<void> verify_class(ClassImage const&, String* message = nullptr);

// The smallest max_stack that makes the method verify (used by MethodBuilder::finish). Cross-
// method checks (functions, captures) are left to verify_class.
[[nodiscard]] ErrorOr<u16> compute_max_stack(MethodImage const&, String* message = nullptr);

} // namespace VM
