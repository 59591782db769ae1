// Environment: where the kernel and QEMU are, how slow this machine is, whether KVM works.
//
// The build passes the kernel directory and the QEMU it found as compile definitions;
// environment variables override them at run time so the same test binaries can be
// pointed elsewhere:
//   PHANTOM_KERNEL_DIR     directory holding phantom-kernel.elf and phantom-kernel-multiboot.elf
//   PHANTOM_QEMU           the qemu-system-x86_64 to run
//   PHANTOM_TIMEOUT_SCALE  multiplies every harness timeout (e.g. 3 on a very loaded machine)
#pragma once

#include <QString>

#include <chrono>

namespace SystemTest {

enum class KernelImage {
    Product,   // phantom-kernel.elf: the product (PVH note and multiboot header)
    Multiboot, // phantom-kernel-multiboot.elf: the same kernel with only the multiboot header
};

QString kernel_directory();
QString kernel_path(KernelImage);
QString kernel_image_name(KernelImage); // "product" or "multiboot"

QString qemu_executable();

double timeout_scale();
std::chrono::milliseconds scaled(std::chrono::milliseconds timeout);

// Whether /dev/kvm can be opened for reading and writing; `reason` says why not.
bool kvm_usable(QString* reason = nullptr);

} // namespace SystemTest
