/*
 * tests/scenarios/LedgerScenario.h: the ledger, the crash-consistency workload of the
 * persistent address space, written once and run on both ports as `test=ledger` (kernel:
 * kernel/pc/persist/PersistTests.cpp on the virtio disk; hosted: phantom-hosted disk=FILE).
 *
 * A ledger of 4096 accounts lives at the start of the PAS: transfers move money between
 * accounts (the sum stays 4096 * 1000) and count up a monotonic counter. At start it checks
 * what the last committed snapshot left. The stable log lines (tests grep them):
 *     ledger: new counter=0 sum=4096000                  a fresh world
 *     ledger: resumed counter=<c> sum=<s>                a resumed one (s must be 4096000)
 *     ledger: invariant broken: the sum is <s>           then the scenario fails
 *     ledger: running                                    the check is done, transfers start
 *     ledger: committed gen=<g> counter=<c>              an explicit snapshot: the cut is c
 *     ledger: stopped counter=<c> gen=<g>                after `stop_after` transfers and the
 *                                                        orderly shutdown snapshot
 *     ledger: statistics restored=<n> zero_filled=<n> copy_on_write=<n> snapshots=<n> failed=<n>
 * In writer mode the background writer's `committed` lines give a lower bound of the cut's
 * counter (read just before its snapshot), and the first scratch burst of a resumed run
 * checks that the 256 scratch pages hold the stamp of one burst (`ledger: 256 scratch pages
 * hold stamp <c>`, or `ledger: invariant broken: scratch page ...` and the run fails).
 */
#pragma once

#include <base/ErrorOr.h>
#include <base/Types.h>
#include <kernel/hal/Block.h>

namespace Scenarios {

struct LedgerOptions {
    // The periodic snapshot thread's interval (0: none).
    u64 snapshot_interval_ms {20};
    // The mutator takes a snapshot itself every this many transfers (0: never; not in writer
    // mode).
    u64 commit_every {512};
    // Transfers in this run before the orderly shutdown; 0: run until the power is cut.
    u64 stop_after {0};
    // Writer mode: the mutator stamps scratch pages every 256 transfers and pauses; a
    // low-priority thread then snapshots, and the mutator writes pages of that in-flight
    // snapshot (copy-on-write).
    bool background_writer {false};
};

constexpr u64 ledger_account_count = 4096;
constexpr u64 ledger_initial_balance = 1000;

// Opens the PAS on `device` (formatting a blank disk), checks the ledger it holds and runs
// transfers in a mutator thread. Returns only when the check failed (an error), when a
// stop was asked for (after the shutdown snapshot), or when the PAS could not be opened.
ErrorOr<void> run_ledger(Hal::BlockDevice&, LedgerOptions const&);

} // namespace Scenarios
