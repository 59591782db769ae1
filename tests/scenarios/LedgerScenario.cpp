/*
 * tests/scenarios/LedgerScenario.cpp: see LedgerScenario.h. The mutator is a thread of its
 * own in the PAS's mutator group, so the periodic snapshot thread stops it at its safepoint
 * (once per transfer); the explicit snapshots come from the mutator itself, so their cut is
 * exactly the counter it logs.
 *
 * Writer mode (`background_writer`): every 256 transfers the mutator stamps the counter into
 * 256 scratch pages (with no safepoint in between), wakes a low-priority writer thread and
 * sleeps 100 us. On one processor the writer runs only then: it stops the mutator (asleep,
 * so parked), write-protects the dirty pages and resumes; the mutator wakes up during the
 * writer's copy of 265 pages, preempts it and writes pages still write-protected:
 * copy-on-write. A snapshot that copied a page after the mutator's write would hold mixed
 * stamps, which the next run's first burst catches: it reads each scratch page just before
 * stamping it, so after a resume that first touch also restores the page from the disk in
 * the middle of the burst, with the fault hook waiting for the disk; a snapshot taken then
 * (a thread in a fault hook counted as parked) would hold mixed stamps too.
 */
#include <base/Log.h>
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/persist/PersistentAddressSpace.h>
#include <tests/scenarios/LedgerScenario.h>

namespace Scenarios {

namespace {

    struct Ledger {
        static constexpr u64 magic_value = 0x5245474445'4C5048ull;
        u64 magic;
        u64 counter;
        u64 accounts[ledger_account_count];
        // The counter of the last scratch burst (0: none yet).
        u64 scratch_stamp;
    };

    constexpr u64 expected_sum = ledger_account_count * ledger_initial_balance;
    // The scratch pages of writer mode: after the ledger's pages, with a gap.
    constexpr usize first_scratch_page = 16;
    constexpr usize scratch_page_count = 256;
    constexpr u64 transfers_per_burst = 256;
    constexpr u64 burst_pause_ns = 100 * 1000;

    struct Run {
        Persist::PersistentAddressSpace* space {nullptr};
        LedgerOptions options;
        bool check_failed {false};
        bool stopping {false}; // tells the background writer to end
        u64 resumed_stamp {0}; // the scratch stamp the resumed ledger holds
        bool first_burst {true};
        Hal::Event burst_done; // wakes the background writer
    };

    u64* scratch_word(Run& run, usize page)
    {
        return run.space->at<u64>((first_scratch_page + page) * Hal::page_size);
    }

    // Whatever a cut left must be a consistent ledger: the sum of every balance is constant
    // (and the first burst checks that the scratch pages all hold the stamp of one burst).
    bool check_or_start(Run& run, Ledger& ledger)
    {
        if (ledger.magic != Ledger::magic_value) {
            for (auto& balance : ledger.accounts)
                balance = ledger_initial_balance;
            ledger.counter = 0;
            ledger.scratch_stamp = 0;
            ledger.magic = Ledger::magic_value;
            logln("ledger: new counter=0 sum={}", expected_sum);
            return true;
        }
        u64 sum = 0;
        for (u64 balance : ledger.accounts)
            sum += balance;
        logln("ledger: resumed counter={} sum={}", ledger.counter, sum);
        if (sum != expected_sum) {
            logln("ledger: invariant broken: the sum is {}", sum);
            return false;
        }
        run.resumed_stamp = ledger.scratch_stamp;
        return true;
    }

    // Stamps every scratch page with the counter, with no safepoint in between. The first
    // burst of a resumed run checks each page's old stamp first: the first touch since the
    // resume, so the page is restored from the disk right there.
    bool stamp_scratch_pages(Run& run, Ledger& ledger)
    {
        bool verify = run.first_burst && run.resumed_stamp != 0;
        run.first_burst = false;
        for (usize page = 0; page < scratch_page_count; ++page) {
            u64* word = scratch_word(run, page);
            if (verify && *word != run.resumed_stamp) {
                logln("ledger: invariant broken: scratch page {} holds stamp {}, not {}", page, *word,
                    run.resumed_stamp);
                return false;
            }
            *word = ledger.counter;
        }
        if (verify)
            logln("ledger: {} scratch pages hold stamp {}", scratch_page_count, run.resumed_stamp);
        ledger.scratch_stamp = ledger.counter;
        return true;
    }

    void run_mutator(void* argument)
    {
        auto& run = *static_cast<Run*>(argument);
        auto& ledger = *run.space->at<Ledger>(0);
        if (!check_or_start(run, ledger)) {
            run.check_failed = true;
            return;
        }
        logln("ledger: running");
        u64 stop_at = run.options.stop_after == 0 ? 0 : ledger.counter + run.options.stop_after;
        // Derived from the counter, so a resumed run continues the same sequence.
        u64 random = ledger.counter * 0x9E3779B97F4A7C15ull + 1;
        while (stop_at == 0 || ledger.counter < stop_at) {
            random ^= random << 13;
            random ^= random >> 7;
            random ^= random << 17;
            u64 from = random % ledger_account_count;
            u64 to = (random >> 20) % ledger_account_count;
            u64 amount = (random >> 40) % 100;
            if (ledger.accounts[from] >= amount) {
                ledger.accounts[from] -= amount;
                ledger.accounts[to] += amount;
            }
            __atomic_store_n(&ledger.counter, ledger.counter + 1, __ATOMIC_RELAXED);
            // In writer mode only the writer (and the periodic thread) commit: a cut then most
            // likely leaves one of its copy-on-write generations to resume from.
            if (!run.options.background_writer && run.options.commit_every != 0
                && ledger.counter % run.options.commit_every == 0) {
                auto info = run.space->snapshot();
                if (!info.is_error())
                    logln("ledger: committed gen={} counter={}", info.value().generation, ledger.counter);
            }
            if (run.options.background_writer && ledger.counter % transfers_per_burst == 0) {
                if (!stamp_scratch_pages(run, ledger)) {
                    run.check_failed = true;
                    return;
                }
                // Lets the low-priority writer start a snapshot; waking up preempts its copy.
                run.burst_done.signal();
                Hal::sleep_for(burst_pause_ns);
            }
            Hal::safepoint();
        }
    }

    void run_writer(void* argument)
    {
        auto& run = *static_cast<Run*>(argument);
        auto const& ledger = *run.space->at<Ledger>(0);
        while (!__atomic_load_n(&run.stopping, __ATOMIC_ACQUIRE)) {
            if (!run.burst_done.wait(Hal::monotonic_nanoseconds() + 100 * Hal::nanoseconds_per_millisecond)
                || __atomic_load_n(&run.stopping, __ATOMIC_ACQUIRE))
                continue;
            // Read before the snapshot's cut, and the counter only grows: a lower bound.
            u64 counter = __atomic_load_n(&ledger.counter, __ATOMIC_RELAXED);
            auto info = run.space->snapshot();
            if (!info.is_error())
                logln("ledger: committed gen={} counter={}", info.value().generation, counter);
        }
    }

} // namespace

ErrorOr<void> run_ledger(Hal::BlockDevice& device, LedgerOptions const& options)
{
    Hal::ThreadGroup mutators;
    Persist::AddressSpaceOptions space_options;
    space_options.mutators = &mutators;
    space_options.snapshot_interval_ns = options.snapshot_interval_ms * Hal::nanoseconds_per_millisecond;
    auto space = TRY(Persist::PersistentAddressSpace::open(device, space_options));

    Run run;
    run.space = space.ptr();
    run.options = options;
    Hal::ThreadOptions thread_options;
    thread_options.name = "ledger"sv;
    thread_options.group = &mutators;
    auto* thread = TRY(Hal::create_thread(run_mutator, &run, thread_options));
    Hal::Thread* writer = nullptr;
    if (options.background_writer) {
        Hal::ThreadOptions writer_options;
        writer_options.name = "ledger writer"sv;
        writer_options.priority = Hal::ThreadPriority::Low;
        auto created = Hal::create_thread(run_writer, &run, writer_options);
        if (created.is_error())
            logln("ledger: no background writer: {}", created.error());
        else
            writer = created.value();
    }
    // Without a stop the mutator runs until the power is cut; it returns early only when the
    // resume check failed.
    Hal::join_thread(thread);
    if (writer) {
        __atomic_store_n(&run.stopping, true, __ATOMIC_RELEASE);
        run.burst_done.signal();
        Hal::join_thread(writer);
    }
    if (run.check_failed)
        return Error::from_string_literal("The resumed ledger is not consistent.");

    auto info = TRY(space->shutdown());
    auto statistics = space->statistics();
    logln("ledger: stopped counter={} gen={}", space->at<Ledger>(0)->counter, info.generation);
    logln("ledger: statistics restored={} zero_filled={} copy_on_write={} snapshots={} failed={}",
        statistics.pages_restored, statistics.pages_zero_filled, statistics.copy_on_write_pages,
        statistics.snapshots, statistics.failed_snapshots);
    return {};
}

} // namespace Scenarios
