/*
 * vm/lang/Builtins.h: what the compiler knows about the VM's built-in (native) classes and
 * the free functions it maps onto them. Kept in one table so the language and the VM's
 * native classes meet in one place.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>
#include <vm/lang/Ast.h>

namespace Lang {

// Classes the VM provides (vm/Object.h lists them for the VM); a program may construct them,
// test them with `is`, catch them and extend those marked true (the exception family).
#define PHANTOM_ENUMERATE_BUILTIN_CLASSES(C)                                                                 \
    C(Object, true)                                                                                          \
    C(Class, false)                                                                                          \
    C(Method, false)                                                                                         \
    C(Int, false)                                                                                            \
    C(Float, false)                                                                                          \
    C(Bool, false)                                                                                           \
    C(Nil, false)                                                                                            \
    C(String, false)                                                                                         \
    C(Symbol, false)                                                                                         \
    C(Array, false)                                                                                          \
    C(Map, false)                                                                                            \
    C(Closure, false)                                                                                        \
    C(Box, false)                                                                                            \
    C(Stack, false)                                                                                          \
    C(Raw, false)                                                                                            \
    C(Thread, false)                                                                                         \
    C(Weak, false)                                                                                           \
    C(Mutex, false)                                                                                          \
    C(Condition, false)                                                                                      \
    C(StringBuilder, false)                                                                                  \
    C(Console, false)                                                                                        \
    C(System, false)                                                                                         \
    C(Time, false)                                                                                           \
    C(Math, false)                                                                                           \
    C(Exception, true)                                                                                       \
    C(Error, true)                                                                                           \
    C(TypeError, true)                                                                                       \
    C(NameError, true)                                                                                       \
    C(NoSuchMethod, true)                                                                                    \
    C(NoSuchField, true)                                                                                     \
    C(ArgumentError, true)                                                                                   \
    C(IndexError, true)                                                                                      \
    C(KeyError, true)                                                                                        \
    C(ArithmeticError, true)                                                                                 \
    C(StackOverflow, true)                                                                                   \
    C(ThreadError, true)                                                                                     \
    C(Deadlock, true)                                                                                        \
    /* The restart contract's classes (vm/RestartList.h, vm/natives/Core.cpp). */                            \
    C(Restarted, true)                                                                                       \
    /* Ctrl-C in the object shell (VirtualMachine::interrupt_thread). */                                     \
    C(Interrupted, true)                                                                                     \
    C(Timer, false)                                                                                          \
    C(Channel, false)

// Free functions: name, the native class and static method they call, and how many
// arguments they take (at least, at most).
#define PHANTOM_ENUMERATE_BUILTIN_FUNCTIONS(F)                                                               \
    F(print, Console, println, 0, 1)                                                                         \
    F(write, Console, print, 1, 1)                                                                           \
    F(exit, System, exit, 1, 1)                                                                              \
    F(clock, Time, millis, 0, 0)                                                                             \
    F(sleep, Thread, sleep, 1, 1)

// Globals the host defines before the program runs (phantom-vm: `args`, the command-line
// arguments as an array of strings).
[[nodiscard]] bool is_builtin_global(StringView name);

struct BuiltinFunction {
    StringView name;
    StringView class_name;
    StringView method_name;
    u8 minimum_arguments;
    u8 maximum_arguments;
};

[[nodiscard]] bool is_builtin_class(StringView name);
[[nodiscard]] bool builtin_class_is_extensible(StringView name);
[[nodiscard]] BuiltinFunction const* find_builtin_function(StringView name);

// Maps an annotation's name to its static type and the class name CheckType tests:
// int -> Int, string -> String, any -> no check, a user class -> itself.
struct AnnotationMeaning {
    StaticType type;
    StringView check_class; // empty: nothing to check at run time
    bool known {false};
};
[[nodiscard]] AnnotationMeaning builtin_annotation(StringView name);

// "int", "string", "Point": how a static type is named in messages.
[[nodiscard]] StringView type_name(StaticType const&);

} // namespace Lang
