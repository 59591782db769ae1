/*
 * kernel/pc/virtio/VirtioInput.h: virtio-input devices (virtio spec 5.8: type 18), e.g.
 * QEMU's `-device virtio-tablet-pci` (absolute pointer), `virtio-keyboard-pci` and
 * `virtio-mouse-pci`. The device reports Linux evdev events (type, code, value) in
 * reports ended by SYN_REPORT; the driver turns each report into Hal input events and
 * queues them (kernel/pc/input/InputQueue.h): keys, buttons, relative motion, the wheel,
 * and absolute positions scaled from the device's axis range to screen pixels.
 */
#pragma once

namespace Kernel {

// Starts every virtio-input device on the PCI bus (interrupt-driven with MSI-X, polled
// otherwise) and logs each by name. Needs Pci::enumerate() first.
void initialize_virtio_input();

} // namespace Kernel
