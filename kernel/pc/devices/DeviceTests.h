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
 *
 * and two measurements for tests/bench/DevicesBenchmark.cpp (pass unless a device fails):
 *
 *     bench_block_write   writes `bench_mib=N` MiB (default 64) sequentially from block 0,
 *                         8 maximal requests in flight, then flushes; logs the times
 *     bench_channel_send  waits for one byte on `channel=NAME`, then sends `bench_bytes=N`
 *                         (default 1 MiB) and logs the time; ends at the host's next byte
 */
#pragma once

#include <kernel/pc/Tests.h>

namespace Kernel::Tests {

TestVerdict block_write();
TestVerdict block_verify();
TestVerdict echo_channels();
TestVerdict bench_block_write();
TestVerdict bench_channel_send();

} // namespace Kernel::Tests
