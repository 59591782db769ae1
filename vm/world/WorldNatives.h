/*
 * vm/world/WorldNatives.h: the `World` internal class, the object shell's window on the
 * world (shell/system.ph uses it). run_world registers it in every world after the port's
 * own internal classes; its natives reach the running Session through the VM's host.
 *
 *   World.readLine()       a typed line (String), nil at the end of input, true when the
 *                          world has just resumed (print World.resumeNote() and read again)
 *   World.awaitResume()    blocks until the world resumes (after the input ended), then true
 *   World.compile(source)  the input's code (run it with World.run), or the error text
 *                          (String), or true (resumed meanwhile; the input is lost)
 *   World.run(code)        runs it on the calling thread; its value, or its exception thrown
 *   World.snapshot()       [generation, pause in µs, pages written], error text, or true
 *   World.generations()    [[generation, wall-clock ms, pages, pause in µs], ...], newest first
 *   World.rollback(n)      the world goes back to generation n: no return, or error text
 *   World.generation()     the newest committed generation
 *   World.resumeNote()     "resumed after <ms> ms at generation <g>" of the last resume
 *   World.threads()        [[id, name, state, frames], ...]
 *   World.globals()        Map of the VM's globals without the built-in classes
 *   World.children(value)  [[name, value], ...]: fields, elements, entries, static fields
 *   World.inspect(value)   a few lines describing the value
 *   World.describe(value)  a one-line form of the value (strings quoted, objects by class)
 *   World.setGlobal(name, value)
 */
#pragma once

#include <base/Span.h>
#include <vm/VirtualMachine.h>

namespace VM::World {

[[nodiscard]] Span<NativeClass const> world_native_classes();
// Continuations the World natives use, registered in this order after the built-in ones.
[[nodiscard]] Span<NativeContinuation const> world_continuations();

} // namespace VM::World
