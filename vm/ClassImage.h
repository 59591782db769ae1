/*
 * vm/ClassImage.h: the class image, what a compiler produces and the VM's loader consumes.
 *
 *     ProgramImage program;                 // several classes + the class whose static main runs
 *     ClassImage& image = ...;              // name, superclass, fields, methods, closures
 *     MethodBuilder body;                   // emits bytecode (vm/Opcodes.h), constants, lines
 *     body.emit(Opcode::PushNil); body.emit(Opcode::Return);
 *     image.methods.append(TRY(body.finish("main"sv, MethodKind::Static, 0)));
 *     auto bytes = TRY(serialize_program(program));     // a .phc file
 *     auto again = TRY(parse_program(bytes, &message));  // magic, version, CRC32C checked
 *
 * Images are plain host-side data (base/ containers); loading them into a heap (vm/Loader.h)
 * turns them into objects after the verifier (vm/Verifier.h) has accepted every method.
 * docs/bytecode.md describes the format byte by byte.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Span.h>
#include <base/String.h>
#include <base/Vector.h>
#include <vm/Opcodes.h>

namespace VM {

enum class ConstantKind : u8 {
    Integer,   // a 63-bit signed integer (pushed as a tagged small integer)
    Float,     // a double (pushed as a boxed Float)
    String,    // an immutable String object, created once at load time
    Name,      // an interned Symbol: method, field and global names
    ClassName, // an interned Symbol naming a class (same as Name for the VM)
    Function,  // index into ClassImage::functions: a closure body for MakeClosure
};

struct Constant {
    ConstantKind kind {ConstantKind::Integer};
    i64 integer {0};
    double floating {0};
    String text;            // String, Name, ClassName
    u32 function_index {0}; // Function

    bool operator==(Constant const& other) const;
};

// Code offset -> source position; entries sorted by offset, each covering up to the next.
struct LineEntry {
    u32 offset {0};
    u32 line {0};
    u32 column {0};
};

// An exception handler: if an exception is thrown by an instruction starting in [start, end),
// and the exception is an instance of catch_class (empty = any), the operand stack is cut
// to stack_depth, the exception is pushed and execution continues at handler. Entries are
// searched in order, so inner handlers come first.
struct HandlerEntry {
    u32 start {0};
    u32 end {0};
    u32 handler {0};
    String catch_class;
    u16 stack_depth {0};
};

// Where a closure's captured variable comes from when MakeClosure runs in the enclosing code:
// a local of the enclosing frame that holds a Box (made with MakeBox), or one of the
// enclosing closure's own captured boxes.
enum class CaptureSource : u8 {
    Local,
    Captured,
};

struct CaptureDescriptor {
    CaptureSource source {CaptureSource::Local};
    u16 index {0};
};

enum class MethodKind : u8 {
    Instance,    // local 0 is the receiver
    Static,      // local 0 is the class object
    Constructor, // an instance method run by New on the fresh instance; its result is ignored
    Function,    // a closure body; local 0 is the receiver of the method that made the closure
};

// One method or closure body. Locals: 0 = receiver, 1..parameter_count = arguments, then the
// method's own locals up to local_count (so local_count >= parameter_count + 1).
struct MethodImage {
    String name;
    MethodKind kind {MethodKind::Instance};
    u16 parameter_count {0};
    u16 local_count {1};
    u16 max_stack {0};
    Vector<u8> code;
    Vector<Constant> constants;
    Vector<LineEntry> lines;
    Vector<HandlerEntry> handlers;
    Vector<CaptureDescriptor> captures; // Function only

    // The source line and column of the instruction at `offset` (0 if unknown).
    [[nodiscard]] LineEntry position_of(u32 offset) const;
};

struct FieldImage {
    String name;
    String type_name; // empty = untyped
};

struct ClassImage {
    String name;
    String superclass_name; // empty = Object
    String source_file;
    Vector<FieldImage> fields; // this class's own fields; inherited ones come first at run time
    Vector<MethodImage> methods;
    Vector<MethodImage> functions; // closure bodies referenced by Function constants
};

struct ProgramImage {
    Vector<ClassImage> classes;
    String main_class; // the class whose static main() runs
};

// Binary form (a .phc file): "PHANTOMC", u32 version, u32 payload size, u32 CRC32C of the
// payload, then the payload. All integers little-endian.
constexpr u32 class_image_version = 1;

[[nodiscard]] ErrorOr<Vector<u8>> serialize_program(ProgramImage const&);

// Parses and checks the envelope and structure (not the bytecode: that is the verifier's job).
// On failure the Error names the rule and, if `message` is given, it receives a sentence
// with the byte offset.
[[nodiscard]] ErrorOr<ProgramImage> parse_program(ReadonlyBytes, String* message = nullptr);

// Builds one method: emits instructions with their operands, collects constants (deduplicated),
// the line table and handlers, and on finish() computes max_stack by the verifier's flow
// analysis.
class MethodBuilder {
public:
    // Constants (returns the constant index; equal constants share an index).
    [[nodiscard]] ErrorOr<u16> add_integer(i64);
    [[nodiscard]] ErrorOr<u16> add_float(double);
    [[nodiscard]] ErrorOr<u16> add_string(StringView);
    [[nodiscard]] ErrorOr<u16> add_name(StringView);
    [[nodiscard]] ErrorOr<u16> add_class_name(StringView);
    [[nodiscard]] ErrorOr<u16> add_function(u32 function_index);

    // Records that code from the current offset on comes from this source position.
    [[nodiscard]] ErrorOr<void> mark_position(u32 line, u32 column);

    // Instruction emitters, one per operand layout (VERIFY checks the layout matches).
    [[nodiscard]] ErrorOr<void> emit(Opcode);                         // None
    [[nodiscard]] ErrorOr<void> emit(Opcode, u16 operand);            // Immediate (as i16 bits),
                                                                      // Local, Captured, Constant,
                                                                      // Name, Count, Function
    [[nodiscard]] ErrorOr<void> emit_push_int(i16 value);             // PushInt
    [[nodiscard]] ErrorOr<void> emit_name(Opcode, u16 name);          // NameCache
    [[nodiscard]] ErrorOr<void> emit_send(Opcode, u16 name, u8 argc); // Send
    [[nodiscard]] ErrorOr<void> emit_static(Opcode, u16 class_name, u16 method_name, u8 argc); // Static
    [[nodiscard]] ErrorOr<void> emit_argc(Opcode, u8 argc);                                    // Argc

    // Forward jumps: emit, then patch once the target is known. Backward jumps: emit_jump_to.
    using JumpLabel = u32;
    [[nodiscard]] ErrorOr<JumpLabel> emit_jump(Opcode);
    void patch_jump(JumpLabel, u32 target_offset);
    void patch_jump_to_here(JumpLabel label) { patch_jump(label, offset()); }
    [[nodiscard]] ErrorOr<void> emit_jump_to(Opcode, u32 target_offset);

    [[nodiscard]] ErrorOr<void> add_handler(
        u32 start, u32 end, u32 handler, StringView catch_class, u16 stack_depth);
    [[nodiscard]] ErrorOr<void> add_capture(CaptureSource, u16 index);

    // Declares `count` locals beyond the receiver and parameters (the highest used wins).
    void set_local_count(u16 local_count) { m_local_count = local_count; }

    [[nodiscard]] u32 offset() const { return static_cast<u32>(m_code.size()); }

    // Produces the method. local_count defaults to parameter_count + 1 when not set larger.
    // Fails (with the verifier's message in `message`, if given) when the code is not valid.
    [[nodiscard]] ErrorOr<MethodImage> finish(
        StringView name, MethodKind, u16 parameter_count, String* message = nullptr);

private:
    ErrorOr<u16> add_constant(Constant&&);
    void index_constant(u32 hash, u16 index);
    ErrorOr<void> emit_byte(u8);
    ErrorOr<void> emit_u16(u16);
    ErrorOr<void> emit_i32(i32);

    Vector<u8> m_code;
    Vector<Constant> m_constants;
    // Open-addressing index over m_constants (constant index + 1 per bucket, 0 = empty; the
    // size is a power of two kept at least twice the constant count), so that deduplicating
    // stays constant-time for methods with tens of thousands of constants.
    Vector<u32> m_constant_index;
    Vector<LineEntry> m_lines;
    Vector<HandlerEntry> m_handlers;
    Vector<CaptureDescriptor> m_captures;
    u16 m_local_count {0};
};

} // namespace VM
