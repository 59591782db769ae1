/*
 * kernel/pc/persist/PersistTests.h: the in-kernel test of kernel/persist on the pc port
 * (test=persist_store): the store formats the virtio disk, commits snapshots and reopens them;
 * and the persistent address space under the ledger scenario (test=ledger).
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::Tests {

// Formats the system disk, commits three generations, reopens the disk and checks them.
TestVerdict persist_store();

// The ledger scenario in the persistent address space on the system disk, until the power is
// cut (or `ledger_stop=N` transfers); `snapshot_ms=N` sets the periodic snapshot interval.
TestVerdict ledger();

} // namespace Kernel::Tests
