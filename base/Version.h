/*
 * base/Version.h: the Phantom version and the boot banner every port prints first:
 * "phantom: Phantom 0.1.0 on <port>: a persistent object system".
 */
#pragma once

#include <base/StringView.h>

namespace Base {

inline constexpr StringView phantom_version = "0.1.0"sv;

// Logs the banner line; `port` names the machine, e.g. "pc x86-64 (pvh boot)" or "hosted linux".
void log_banner(StringView port);

} // namespace Base
