/*
 * kernel/pc/devices/Devices.h: bringing up the pc port's block device and byte channels:
 * PCI enumeration (with the device list in the log), virtio-blk, virtio-console and COM2.
 * Hal::system_block_device() and Hal::open_channel() hand them out.
 */
#pragma once

namespace Kernel {

// Call once after the interrupt controller is set up.
void initialize_devices();

} // namespace Kernel
