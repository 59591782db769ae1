/*
 * kernel/pc/devices/Devices.h: bringing up the pc port's block device and byte channels:
 * PCI enumeration (with the device list in the log), virtio-blk, virtio-console and COM2.
 * Hal::system_block_device() and Hal::open_channel() hand them out.
 */
#pragma once

#include <base/Optional.h>
#include <base/StringView.h>

namespace Kernel {

// Call once after the interrupt controller is set up. The command line is kept for the
// device tests' parameters (it lives as long as the kernel).
void initialize_devices(StringView command_line);

// The value of `key=value` on the kernel command line given to initialize_devices().
Optional<StringView> device_parameter(StringView key);

} // namespace Kernel
