/*
 * kernel/hosted/HostedWorld.h: `phantom-hosted disk=IMAGE world=PROGRAM.ph` runs a world
 * (vm/world/World.h) in the process: the first boot compiles PROGRAM.ph with vm/lang and
 * installs it, later boots resume the world on the disk and ignore the program (unless
 * `fresh`). The VM's console output goes to stdout, unbuffered, the log to stderr.
 */
#pragma once

#include <base/StringView.h>
#include <base/Types.h>

namespace Hosted {

struct WorldArguments {
    StringView program_path;
    bool fresh {false};
    bool commit_output {false};
    // In a Qt window (HostedDesktop.h): the world is told it has a screen someone sees.
    bool window {false};
    bool has_snapshot_interval {false};
    u64 snapshot_interval_ms {0};
};

// Runs the world until an orderly shutdown (SIGTERM, SIGINT, SIGHUP), then powers off (exit
// status 0). Returns only on failure, with the process exit status.
int run_world(WorldArguments const&);

} // namespace Hosted
