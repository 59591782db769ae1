/*
 * kernel/pc/world/WorldImages.h: the world programs embedded in the kernel. The build
 * (kernel/pc/CMakeLists.txt) compiles `system` (the object shell) and every test world of
 * tests/system/worlds/ with phantom-mkimage and links the class images in with a table; a
 * fresh world starts from the one the command line names (`world=NAME`, default `system`).
 *
 *     auto image = find_world_image("counter"sv);   // empty Optional when there is none
 *     auto program = TRY(VM::parse_program(*image));
 */
#pragma once

#include <base/Optional.h>
#include <base/Span.h>
#include <base/String.h>
#include <base/StringView.h>

namespace Kernel {

Optional<ReadonlyBytes> find_world_image(StringView name);

// "counter system ...": for the message naming the ones there are.
void append_world_image_names(StringBuilder&);

} // namespace Kernel
