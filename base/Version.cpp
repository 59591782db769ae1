/*
 * base/Version.cpp: the boot banner. Its wording is part of the serial-log contract that
 * system tests grep, so change it only together with docs/ and tests/system.
 */

#include <base/Log.h>
#include <base/Version.h>

namespace Base {

void log_banner(StringView port)
{
    logln("Phantom {} on {}: a persistent object system", phantom_version, port);
}

} // namespace Base
