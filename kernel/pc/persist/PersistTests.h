/*
 * kernel/pc/persist/PersistTests.h: the in-kernel test of kernel/persist on the pc port
 * (test=persist_store): the store formats the virtio disk, commits snapshots and reopens them.
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::Tests {

// Formats the system disk, commits three generations, reopens the disk and checks them.
TestVerdict persist_store();

} // namespace Kernel::Tests
