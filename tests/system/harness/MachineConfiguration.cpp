// MachineConfiguration: readable names for failure messages and benchmark tables.
#include <tests/system/harness/MachineConfiguration.h>

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

} // namespace SystemTest
