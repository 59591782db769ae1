// MachineConfiguration: everything that decides how QemuMachine starts QEMU.
//
// The defaults are what a system test wants: TCG (deterministic and available everywhere),
// SeaBIOS, 256 MiB, no pointer device. Fill in kernel_path (see Environment.h) and usually
// command_line ("test=NAME"), then hand the configuration to QemuMachine.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

#include <chrono>

namespace SystemTest {

enum class Accelerator {
    Tcg,  // software emulation: slower, but the same everywhere
    Kvm,  // hardware virtualization; start() fails when /dev/kvm is not usable
    Auto, // KVM when /dev/kvm is usable (QEMU itself falls back to TCG if KVM fails), else TCG
};

enum class Firmware {
    SeaBios, // QEMU's default BIOS
    Qboot,   // the minimal qboot.rom shipped with QEMU: faster start, fewer features
};

enum class PointerDevice {
    None,         // only the PS/2 mouse of the pc machine (relative motion only)
    UsbTablet,    // -usb -device usb-tablet: absolute pointer
    VirtioTablet, // -device virtio-tablet-pci: absolute pointer
};

struct MachineConfiguration {
    QString kernel_path;
    QString command_line; // passed with -append when not empty
    Accelerator accelerator {Accelerator::Tcg};
    Firmware firmware {Firmware::SeaBios};
    int memory_mib {256};
    // Needed by QemuMachine::move_mouse_to and click (absolute coordinates).
    PointerDevice pointer_device {PointerDevice::None};
    // When set, COM1 is also a unix socket QEMU listens on at this path (com1.log still gets
    // everything the guest writes): a test connects to it to type on the serial console.
    QString serial_input_socket;
    // Appended last, so they can add devices or override earlier options.
    QStringList extra_arguments;
    // The screen size used to scale mouse coordinates until a screendump reports the real one.
    QSize assumed_screen_size {1024, 768};
    // How often the serial log file is re-read while waiting; the boot benchmark lowers it.
    std::chrono::milliseconds poll_interval {10};
};

QString accelerator_name(Accelerator);
QString firmware_name(Firmware);

// The QEMU arguments that attach `image` (a raw file) as the machine's virtio-blk disk;
// `drive_options` are added to -drive (e.g. "cache=none").
QStringList virtio_disk_arguments(QString const& image, QString const& drive_options = {});

// Creates (or truncates) a sparse raw disk image of `bytes` at `path`; false when it cannot.
[[nodiscard]] bool create_disk_image(QString const& path, qint64 bytes);

} // namespace SystemTest
