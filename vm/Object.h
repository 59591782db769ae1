/*
 * vm/Object.h: the object model on top of vm/Value.h: the slot layout of every kind of
 * object the VM builds (classes, methods, strings, symbols, arrays, maps, closures, boxes,
 * threads, stacks) and the built-in classes, declared once in a table.
 *
 * Every reference an object holds is in a slot; raw bytes hold only text, code and numbers.
 * Hot reload and restart (vm/HotReload.*, vm/Restart.*) read these layouts, so they are
 * public and documented here rather than hidden in the interpreter.
 */
#pragma once

#include <base/StringView.h>
#include <vm/Value.h>

namespace VM {

// Class objects (ObjectKind::Class).
namespace ClassSlot {
    constexpr u32 name = 0;           // Symbol
    constexpr u32 superclass = 1;     // Class or nil (Object has none)
    constexpr u32 fields = 2;         // Raw object: one Symbol per instance slot, inherited first
    constexpr u32 methods = 3;        // Map Symbol -> Method (instance methods and constructors)
    constexpr u32 static_methods = 4; // Map Symbol -> Method
    constexpr u32 source_file = 5;    // String or nil
    constexpr u32 instance_kind = 6;  // integer ObjectKind of instances (Instance for user classes)
    constexpr u32 field_types = 7;    // Raw object parallel to fields: Symbol of the type or nil
    constexpr u32 version = 8;        // integer, bumped by hot reload (invalidates inline caches)
    constexpr u32 count = 9;
} // namespace ClassSlot

// Method objects (ObjectKind::Method). The raw bytes start with a MethodHeader, followed by
// the code, the line table (LineRecord) and the handler table (HandlerRecord).
namespace MethodSlot {
    constexpr u32 name = 0;          // Symbol
    constexpr u32 owner = 1;         // the Class that defines it
    constexpr u32 constants = 2;     // Raw object, one slot per constant (values; functions are Methods)
    constexpr u32 caches = 3;        // Raw object, cache_slots_per_site slots per inline-cache site
    constexpr u32 catch_classes = 4; // Raw object, one Symbol (or nil = any) per handler
    constexpr u32 count = 5;
} // namespace MethodSlot

constexpr u32 cache_slots_per_site = 2; // (class or version key, method or slot index)

struct MethodHeader {
    u8 kind; // MethodKind
    u8 reserved;
    u16 parameter_count;
    u16 local_count;
    u16 max_stack;
    u32 code_size;
    u32 line_count;
    u32 handler_count;
    u32 capture_count;
    i32 native_index; // -1 for bytecode methods; else index into the VM's native table
    u32 reserved2;
};
static_assert(sizeof(MethodHeader) == 32);

struct LineRecord {
    u32 offset;
    u32 line;
    u32 column;
};

struct HandlerRecord {
    u32 start;
    u32 end;
    u32 handler;
    u32 stack_depth;
};

struct CaptureRecord {
    u16 source; // CaptureSource
    u16 index;
};

// Strings (ObjectKind::String) and Symbols (ObjectKind::Symbol): no slots, UTF-8 bytes.
// Floats (ObjectKind::Float): no slots, 8 bytes of IEEE double.

// Arrays (ObjectKind::Array): a growable list.
namespace ArraySlot {
    constexpr u32 storage = 0; // Raw object whose slots are the elements (capacity = slot count)
    constexpr u32 length = 1;  // integer
    constexpr u32 count = 2;
} // namespace ArraySlot

// Maps (ObjectKind::Map): insertion-ordered hash map. Entries are (key, value) slot pairs in
// insertion order; a removed entry's key is the entries object itself (never a user value).
// The index is a Raw object whose bytes are u32 buckets: 0 = empty, else entry number + 1.
namespace MapSlot {
    constexpr u32 entries = 0; // Raw object, 2 slots per entry
    constexpr u32 index = 1;   // Raw object with bytes only
    constexpr u32 used = 2;    // integer: entries used (including removed ones)
    constexpr u32 size = 3;    // integer: live entries
    constexpr u32 count = 4;
} // namespace MapSlot

// Closures (ObjectKind::Closure): slot 0 the function (a Method of kind Function), slot 1 the
// receiver of the method that created it, then one Box per captured variable.
namespace ClosureSlot {
    constexpr u32 function = 0;
    constexpr u32 receiver = 1;
    constexpr u32 first_capture = 2;
} // namespace ClosureSlot

// Boxes (ObjectKind::Box): one slot, a captured variable's value.

// Threads (ObjectKind::Thread). The thread's frames are in its Stack object; the registers of a
// thread that is not running are saved here as integers (slot indices into the Stack, code
// offsets), never as host pointers.
namespace ThreadSlot {
    constexpr u32 stack = 0;       // Stack object
    constexpr u32 state = 1;       // integer ThreadState
    constexpr u32 frame = 2;       // integer: slot index of the current frame's header
    constexpr u32 top = 3;         // integer: slot index one past the top of the operand stack
    constexpr u32 pc = 4;          // integer: code offset in the current frame's method
    constexpr u32 result = 5;      // value the thread finished with (or the uncaught exception)
    constexpr u32 waiting_on = 6;  // Mutex, Condition or Thread it is blocked on, or nil
    constexpr u32 wake_time = 7;   // integer monotonic nanoseconds (sleeping), or nil
    constexpr u32 name = 8;        // String
    constexpr u32 identifier = 9;  // integer, unique in the VM
    constexpr u32 pending = 10;    // value handed to the thread when it resumes (e.g. a wait result)
    constexpr u32 base_frame = 11; // integer: slot index of the bottom frame
    constexpr u32 count = 12;
} // namespace ThreadSlot

enum class ThreadState : u8 {
    Runnable,
    Blocked,  // on a Mutex
    Waiting,  // on a Condition
    Sleeping, // until wake_time
    Joining,  // on another Thread
    Finished, // result holds its return value
    Failed,   // result holds the uncaught exception
};

// Frames inside a Stack object: the locals (receiver, arguments, other locals), then these
// header slots, then the operand stack. All header slots are integers or references. A frame
// is named by the index of its header; its locals start local_count slots below.
namespace FrameSlot {
    constexpr u32 method = 0;       // Method
    constexpr u32 closure = 1;      // Closure or nil
    constexpr u32 caller_frame = 2; // integer slot index of the caller's frame header, or -1
    constexpr u32 caller_pc = 3;    // integer code offset to resume the caller at
    constexpr u32 flags = 4;        // integer FrameFlags
    constexpr u32 count = 5;
} // namespace FrameSlot

namespace FrameFlags {
    constexpr i64 none = 0;
    constexpr i64 constructor = 1;    // the caller receives the receiver (local 0), not the result
    constexpr i64 continuation = 2;   // on return, continuation (flags >> 8) & 0xffffff runs with
                                      // the native's argument count in flags >> 32
    constexpr i64 discard_result = 4; // the caller does not receive the result (set_index sends)
    constexpr i64 negate_result = 8;  // the caller receives !result (!= through a class's ==)
} // namespace FrameFlags

// Mutex instances: slot 0 owner Thread or nil, slot 1 recursion count, slot 2 waiting Threads (Array).
// Condition instances: slot 0 waiting Threads (Array).

// The built-in classes, declared once: enum, names, and the kind of their instances.
#define PHANTOM_ENUMERATE_BUILTIN_CLASSES(C)                                                                 \
    C(Object, Object, Instance)                                                                              \
    C(Class, Object, Class)                                                                                  \
    C(Method, Object, Method)                                                                                \
    C(Int, Object, Instance)                                                                                 \
    C(Float, Object, Float)                                                                                  \
    C(Bool, Object, Instance)                                                                                \
    C(Nil, Object, Instance)                                                                                 \
    C(String, Object, String)                                                                                \
    C(Symbol, Object, Symbol)                                                                                \
    C(Array, Object, Array)                                                                                  \
    C(Map, Object, Map)                                                                                      \
    C(Closure, Object, Closure)                                                                              \
    C(Box, Object, Box)                                                                                      \
    C(Thread, Object, Thread)                                                                                \
    C(Stack, Object, Stack)                                                                                  \
    C(Weak, Object, Weak)                                                                                    \
    C(Raw, Object, Raw)                                                                                      \
    C(Mutex, Object, Instance)                                                                               \
    C(Condition, Object, Instance)                                                                           \
    C(StringBuilder, Object, Instance)                                                                       \
    C(Console, Object, Instance)                                                                             \
    C(Time, Object, Instance)                                                                                \
    C(Math, Object, Instance)                                                                                \
    C(Exception, Object, Instance)                                                                           \
    C(Error, Exception, Instance)                                                                            \
    C(TypeError, Error, Instance)                                                                            \
    C(NameError, Error, Instance)                                                                            \
    C(NoSuchMethod, Error, Instance)                                                                         \
    C(NoSuchField, Error, Instance)                                                                          \
    C(ArgumentError, Error, Instance)                                                                        \
    C(IndexError, Error, Instance)                                                                           \
    C(KeyError, Error, Instance)                                                                             \
    C(ArithmeticError, Error, Instance)                                                                      \
    C(StackOverflow, Error, Instance)                                                                        \
    C(ThreadError, Error, Instance)                                                                          \
    C(Deadlock, Error, Instance)

enum class BuiltinClass : u8 {
#define PHANTOM_BUILTIN_CLASS_ENUMERATOR(name, super, kind) name,
    PHANTOM_ENUMERATE_BUILTIN_CLASSES(PHANTOM_BUILTIN_CLASS_ENUMERATOR)
#undef PHANTOM_BUILTIN_CLASS_ENUMERATOR
};

constexpr u32 builtin_class_count = 0
#define PHANTOM_BUILTIN_CLASS_COUNT(name, super, kind) +1
    PHANTOM_ENUMERATE_BUILTIN_CLASSES(PHANTOM_BUILTIN_CLASS_COUNT)
#undef PHANTOM_BUILTIN_CLASS_COUNT
    ;

// Fields of the built-in classes whose instances have slots (the Exception family, Mutex...).
namespace ExceptionSlot {
    constexpr u32 message = 0; // field "message"
    constexpr u32 trace = 1;   // field "stackTrace": String, recorded when first thrown
    constexpr u32 count = 2;
} // namespace ExceptionSlot
namespace MutexSlot {
    constexpr u32 owner = 0;
    constexpr u32 depth = 1;
    constexpr u32 waiters = 2;
    constexpr u32 count = 3;
} // namespace MutexSlot
namespace ConditionSlot {
    constexpr u32 waiters = 0;
    constexpr u32 count = 1;
} // namespace ConditionSlot
namespace StringBuilderSlot {
    constexpr u32 buffer = 0; // Raw object with the bytes (capacity = byte_count)
    constexpr u32 length = 1; // integer
    constexpr u32 count = 2;
} // namespace StringBuilderSlot

// Small helpers on raw objects.
[[nodiscard]] inline bool is_kind(Value value, ObjectKind kind)
{
    return value.is_object() && value.as_object()->kind == kind;
}
[[nodiscard]] inline StringView text_of(Value string_or_symbol)
{
    return string_or_symbol.as_object()->bytes_as_string_view();
}
[[nodiscard]] inline double float_of(Value boxed)
{
    double value;
    __builtin_memcpy(&value, boxed.as_object()->bytes(), sizeof value);
    return value;
}
// Method objects always have MethodSlot::count slots, so their bytes start at a fixed offset
// (the interpreter reads these on every call and return).
[[nodiscard]] inline u8* method_bytes(ObjectHeader* method)
{
    return reinterpret_cast<u8*>(method) + sizeof(ObjectHeader) + MethodSlot::count * sizeof(Value);
}
[[nodiscard]] inline MethodHeader& method_header(ObjectHeader* method)
{
    return *reinterpret_cast<MethodHeader*>(method_bytes(method));
}
[[nodiscard]] inline u8* method_code(ObjectHeader* method)
{
    return method_bytes(method) + sizeof(MethodHeader);
}
[[nodiscard]] inline LineRecord* method_lines(ObjectHeader* method)
{
    return reinterpret_cast<LineRecord*>(
        method_code(method) + ((method_header(method).code_size + 3u) & ~3u));
}
[[nodiscard]] inline HandlerRecord* method_handlers(ObjectHeader* method)
{
    return reinterpret_cast<HandlerRecord*>(method_lines(method) + method_header(method).line_count);
}
[[nodiscard]] inline CaptureRecord* method_captures(ObjectHeader* method)
{
    return reinterpret_cast<CaptureRecord*>(method_handlers(method) + method_header(method).handler_count);
}
[[nodiscard]] inline u32 method_bytes_size(
    u32 code_size, u32 line_count, u32 handler_count, u32 capture_count)
{
    return static_cast<u32>(sizeof(MethodHeader)) + ((code_size + 3u) & ~3u)
        + line_count * static_cast<u32>(sizeof(LineRecord))
        + handler_count * static_cast<u32>(sizeof(HandlerRecord))
        + capture_count * static_cast<u32>(sizeof(CaptureRecord));
}

} // namespace VM
