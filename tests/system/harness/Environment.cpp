// Environment: build-time defaults with run-time overrides.
#include <tests/system/harness/Environment.h>

#include <QDir>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#ifndef PHANTOM_KERNEL_DIR
#error "the build must define PHANTOM_KERNEL_DIR (the directory the kernel is built into)"
#endif
#ifndef PHANTOM_QEMU_EXECUTABLE
#define PHANTOM_QEMU_EXECUTABLE "qemu-system-x86_64"
#endif

namespace SystemTest {

QString kernel_directory()
{
    QString const overridden = qEnvironmentVariable("PHANTOM_KERNEL_DIR");
    return overridden.isEmpty() ? QStringLiteral(PHANTOM_KERNEL_DIR) : overridden;
}

QString kernel_path(KernelImage image)
{
    QString const file_name = image == KernelImage::Product ? QStringLiteral("phantom-kernel.elf")
                                                            : QStringLiteral("phantom-kernel-multiboot.elf");
    return QDir(kernel_directory()).filePath(file_name);
}

QString kernel_image_name(KernelImage image)
{
    return image == KernelImage::Product ? QStringLiteral("product") : QStringLiteral("multiboot");
}

QString qemu_executable()
{
    QString const overridden = qEnvironmentVariable("PHANTOM_QEMU");
    return overridden.isEmpty() ? QStringLiteral(PHANTOM_QEMU_EXECUTABLE) : overridden;
}

double timeout_scale()
{
    bool ok = false;
    double const scale = qEnvironmentVariable("PHANTOM_TIMEOUT_SCALE").toDouble(&ok);
    return ok && scale > 0 ? scale : 1.0;
}

std::chrono::milliseconds scaled(std::chrono::milliseconds timeout)
{
    return std::chrono::milliseconds(qint64(double(timeout.count()) * timeout_scale()));
}

bool kvm_usable(QString* reason)
{
    int const descriptor = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (descriptor < 0) {
        if (reason)
            *reason = QStringLiteral("/dev/kvm cannot be opened: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    ::close(descriptor);
    return true;
}

} // namespace SystemTest
