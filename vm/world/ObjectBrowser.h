/*
 * vm/world/ObjectBrowser.h: what the object shell shows of live objects: the VM's globals,
 * the named parts of an object (ls, cd) and a description of one (inspect). Everything is
 * read from the heap as vm/Object.h lays it out; nothing runs Phantom code.
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/String.h>
#include <vm/VirtualMachine.h>

namespace VM::World {

// A Map from name (String) to value of the VM's globals: the variables and classes programs
// and shell inputs defined. Left out: built-in and internal classes, static fields (listed
// under their class), the VM's own '$' names, and globals holding nil (dropped classes).
ErrorOr<Value> user_globals(VirtualMachine&);

// The named parts of `value` as an Array of [name, value] pairs: an instance's fields, an
// array's elements ("0", "1", ...), a map's entries (keys as they print), a class's static
// fields, a closure's captured variables, a box's value. Empty for everything else.
ErrorOr<Value> children_of(VirtualMachine&, Value);

// Several lines: the class, the size in bytes, and the parts with their values.
ErrorOr<String> inspect_value(VirtualMachine&, Value);

// A short one-line form of a value for listings (strings quoted and cut, objects by class).
ErrorOr<void> append_short(VirtualMachine&, StringBuilder&, Value);

} // namespace VM::World
