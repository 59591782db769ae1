/*
 * kernel/hosted/HostedDesktop.h: `phantom-hosted disk=IMAGE world=PROGRAM.ph window=1` runs a
 * world (HostedWorld.h) with its screen in a Qt window (HostedWindow.h): Qt owns the main
 * thread, the world runs on another. Closing the window is the power button: the world takes
 * its last snapshot and the process ends. With QT_QPA_PLATFORM=offscreen it runs unseen.
 */
#pragma once

#include <kernel/hosted/HostedWorld.h>

namespace Hosted {

// Returns the process exit status (only when the world could not run; an orderly shutdown
// ends the process through Hal::power_off()).
int run_world_in_window(WorldArguments const&, int argc, char** argv);

} // namespace Hosted
