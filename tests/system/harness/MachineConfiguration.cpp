// MachineConfiguration: readable names for failure messages and benchmark tables, and the
// disk a machine boots with.
#include <tests/system/harness/MachineConfiguration.h>

#include <QFile>

namespace SystemTest {

QString accelerator_name(Accelerator accelerator)
{
    switch (accelerator) {
    case Accelerator::Tcg:
        return QStringLiteral("tcg");
    case Accelerator::Kvm:
        return QStringLiteral("kvm");
    case Accelerator::Auto:
        return QStringLiteral("auto");
    }
    return QStringLiteral("unknown");
}

QString firmware_name(Firmware firmware)
{
    switch (firmware) {
    case Firmware::SeaBios:
        return QStringLiteral("seabios");
    case Firmware::Qboot:
        return QStringLiteral("qboot");
    }
    return QStringLiteral("unknown");
}

QStringList virtio_disk_arguments(QString const& image, QString const& drive_options)
{
    QString drive = QStringLiteral("file=%1,format=raw,if=none,id=disk0").arg(image);
    if (!drive_options.isEmpty())
        drive += QLatin1Char(',') + drive_options;
    return {QStringLiteral("-drive"), drive, QStringLiteral("-device"),
        QStringLiteral("virtio-blk-pci,drive=disk0")};
}

bool create_disk_image(QString const& path, qint64 bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.resize(bytes);
}

} // namespace SystemTest
