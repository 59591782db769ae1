/*
 * kernel/pc/devices/DeviceTests.h: the in-kernel tests of the block device and channels
 * (listed in Tests.cpp, run by tests/system/DevicesTest.cpp):
 *
 *     block_write    writes a pattern to 64 pseudo-random blocks (some submitted together,
 *                    one 16-block request, the last block), flushes, reads them back, and
 *                    checks that out-of-range requests fail
 *     block_verify   reads the same blocks back (the second boot on the same image)
 *     echo_channels  echoes every byte arriving on "com2" and "org.phantom.ide" until
 *                    `echo_bytes=N` (default 1 MiB) came back on each
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::Tests {

TestVerdict block_write();
TestVerdict block_verify();
TestVerdict echo_channels();

} // namespace Kernel::Tests
