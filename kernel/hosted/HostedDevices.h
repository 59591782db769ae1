/*
 * kernel/hosted/HostedDevices.h: where the hosted port finds its disk and channels.
 * Command-line words (the kernel's syntax) take precedence over the environment:
 *
 *     disk=PATH                 the system disk file        (or PHANTOM_DISK=PATH)
 *     channel.NAME=PATH         unix socket for channel NAME (or PHANTOM_CHANNEL_<NAME>=PATH,
 *                               NAME upper-cased with '.' and '-' as '_')
 */
#pragma once

#include <base/StringView.h>

namespace Hosted {

// Remembers `argument` if it is one of the words above; returns whether it was.
bool configure_device_argument(StringView argument);

} // namespace Hosted
