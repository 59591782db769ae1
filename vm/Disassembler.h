/*
 * vm/Disassembler.h: readable listings of bytecode, decoded with the operand layouts of the
 * opcode table (vm/Opcodes.h), so a new instruction needs no change here. Freestanding, so the
 * shell and the IDE inside Phantom can use it as well as host tools:
 *
 *     StringBuilder listing;
 *     TRY(disassemble_method(listing, method));      // "   12  send  toString argc=0"
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <vm/ClassImage.h>

namespace VM {

// One instruction at `offset`: its text (mnemonic and decoded operands) and its size. Fails
// on bytes the verifier would reject (unknown opcode, truncated operands).
ErrorOr<u32> disassemble_instruction(StringBuilder&, MethodImage const&, u32 offset);
// A method: a header line, then one line per instruction with source positions and handlers.
ErrorOr<void> disassemble_method(StringBuilder&, MethodImage const&);
// Every class of a program.
ErrorOr<void> disassemble_program(StringBuilder&, ProgramImage const&);

} // namespace VM
