/*
 * kernel/pc/KernelSymbols.h: address -> function name + offset, from the symbol blob that
 * the two-pass link embeds in the kernel (format: SymbolTableFormat.h, tool: tools/ksyms).
 */
#pragma once

#include <base/Optional.h>
#include <base/StringView.h>
#include <base/Types.h>

namespace Kernel {

struct SymbolicAddress {
    StringView name; // demangled, e.g. "Kernel::run_test(Base::StringView)"
    FlatPtr offset;  // from the start of the function
};

// The function containing `address`, if the blob names one. Never allocates and never
// faults on a malformed blob, so the panic handler can use it.
Optional<SymbolicAddress> symbolize(FlatPtr address);

// How many functions the blob holds (0 in the pass-1 kernel).
usize kernel_symbol_count();

} // namespace Kernel
