// phantom-bench-persist: the snapshot engine (kernel/persist) on the hosted port, over a real
// file disk (Hosted::FileBlockDevice). Prints four tables; never passes or fails on a time:
//   1. snapshot pause (and write time) vs the number of dirty pages: 1k, 10k, 100k
//   2. snapshot write throughput (page data committed, FLUSH included) vs pwrite+fdatasync
//      of the same bytes to a file on the same filesystem
//   3. resume time (open() to the first page readable) with 64 MiB vs 1 GiB of pages on disk
//   4. throughput of a mutating workload with snapshots every second vs none
// The disks live in --dir (default: persist-bench-data next to the executable); the 64 MiB
// and 1 GiB disks are written once and reused by later runs.
#include <kernel/hal/Threads.h>
#include <kernel/hal/Time.h>
#include <kernel/hosted/FileBlockDevice.h>
#include <kernel/persist/PersistentAddressSpace.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

using namespace Persist;

namespace {

constexpr u64 mib = 1024 * 1024;

double now_ms() { return static_cast<double>(Hal::monotonic_nanoseconds()) / 1e6; }

double median(std::vector<double> values)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

[[noreturn]] void fail(char const* what, Error const& error)
{
    auto message = error.message();
    std::fprintf(stderr, "phantom-bench-persist: %s: %.*s\n", what, static_cast<int>(message.length()),
        message.characters_without_null_termination());
    std::exit(1);
}

template<typename T> T must(ErrorOr<T> result, char const* what)
{
    if (result.is_error())
        fail(what, result.error());
    return result.release_value();
}

NonnullOwnPtr<Hosted::FileBlockDevice> open_disk(std::string const& path, u64 blocks)
{
    return must(Hosted::FileBlockDevice::open(StringView(path.c_str(), path.size()), blocks), path.c_str());
}

AddressSpaceOptions options_for(Hal::ThreadGroup* mutators, u64 interval_ns, u32 kept)
{
    AddressSpaceOptions options;
    options.mutators = mutators;
    options.snapshot_interval_ns = interval_ns;
    options.store.kept_generations = kept;
    return options;
}

// Drops the file's pages from the page cache, so that a resume reads from the device.
void drop_cache(std::string const& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    fdatasync(fd);
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

// Dirties `count` contiguous pages (one word each: the whole page is stored anyway).
void dirty_pages(PersistentAddressSpace& space, u64 count, u64 round)
{
    for (u64 page = 0; page < count; ++page)
        *space.at<u64 volatile>(page * Hal::page_size) = page * 31 + round;
}

struct SnapshotRow {
    u64 pages {0};
    std::vector<double> pause_ms, write_ms, mb_per_second;
};

// Tables 1 and 2 measure the same snapshots.
std::vector<SnapshotRow> measure_snapshots(std::string const& directory, int runs)
{
    std::string path = directory + "/snapshots.disk";
    ::unlink(path.c_str());
    std::vector<SnapshotRow> rows;
    {
        // Two kept generations of up to 100k pages and the one being written, plus metadata:
        // 1.6 GiB, sparse.
        auto disk = open_disk(path, 400 * 1024);
        auto space = must(PersistentAddressSpace::open(*disk, options_for(nullptr, 0, 2)), "open PAS");
        for (u64 pages : {1'000ull, 10'000ull, 100'000ull}) {
            SnapshotRow row;
            row.pages = pages;
            // The first round maps fresh pages (zero-fill faults): not counted.
            for (int round = 0; round <= runs; ++round) {
                dirty_pages(*space, pages, static_cast<u64>(round) + pages);
                double start = now_ms();
                auto info = must(space->snapshot(), "snapshot");
                double total = now_ms() - start;
                if (info.pages_written != pages)
                    std::fprintf(stderr, "phantom-bench-persist: snapshot wrote %llu pages, expected %llu\n",
                        static_cast<unsigned long long>(info.pages_written),
                        static_cast<unsigned long long>(pages));
                if (round == 0)
                    continue;
                double pause = static_cast<double>(info.pause_ns) / 1e6;
                double write = total - pause;
                row.pause_ms.push_back(pause);
                row.write_ms.push_back(write);
                row.mb_per_second.push_back(
                    static_cast<double>(pages * Hal::page_size) / 1e6 / (write / 1e3));
            }
            rows.push_back(std::move(row));
        }
    }
    ::unlink(path.c_str());
    return rows;
}

// pwrite of `bytes` in `chunk`-sized writes, then fdatasync: MB/s.
double measure_raw(std::string const& directory, u64 bytes, u64 chunk)
{
    std::string path = directory + "/raw.file";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        std::perror("raw file");
        std::exit(1);
    }
    std::vector<u8> buffer(chunk);
    for (u64 i = 0; i < chunk; ++i)
        buffer[i] = static_cast<u8>(i * 7);
    double start = now_ms();
    for (u64 offset = 0; offset < bytes; offset += chunk) {
        buffer[0] = static_cast<u8>(offset >> 12);
        if (pwrite(fd, buffer.data(), chunk, static_cast<off_t>(offset)) != static_cast<ssize_t>(chunk)) {
            std::perror("pwrite");
            std::exit(1);
        }
    }
    fdatasync(fd);
    double elapsed = now_ms() - start;
    ::close(fd);
    ::unlink(path.c_str());
    return static_cast<double>(bytes) / 1e6 / (elapsed / 1e3);
}

// A disk holding `bytes` of pages in its newest generation, written once through the store
// (64 MiB per commit, so the writer never holds more than that) and reused afterwards.
void ensure_resume_disk(std::string const& path, u64 bytes)
{
    std::string done_marker = path + ".complete";
    struct stat status { };
    if (::stat(done_marker.c_str(), &status) == 0)
        return;
    ::unlink(path.c_str());
    u64 pages = bytes / Hal::page_size;
    u64 chunk_pages = 64 * mib / Hal::page_size;
    std::printf("(writing the %llu MiB resume disk once: %s)\n", static_cast<unsigned long long>(bytes / mib),
        path.c_str());
    std::fflush(stdout);
    {
        // Room for the pages twice over (the previous generations keep theirs until replaced).
        auto disk = open_disk(path, pages + pages / 4 + 16384);
        must(PersistentStore::format(*disk, 2), "format");
        OpenOptions open_options;
        open_options.kept_generations = 2;
        auto store = must(PersistentStore::open(*disk, open_options), "open store");
        std::vector<u8> content(chunk_pages * Hal::page_size);
        std::vector<DirtyPage> dirty(chunk_pages);
        for (u64 first = 0; first < pages; first += chunk_pages) {
            u64 count = std::min(chunk_pages, pages - first);
            for (u64 i = 0; i < count; ++i) {
                auto* words = reinterpret_cast<u64*>(content.data() + i * Hal::page_size);
                for (u64 word = 0; word < Hal::page_size / 8; ++word)
                    words[word] = (first + i) * 0x9E3779B97F4A7C15ull + word;
                dirty[i] = {first + i, content.data() + i * Hal::page_size};
            }
            must(store->commit_snapshot(
                     Span<DirtyPage const>(dirty.data(), count), {Hal::wall_clock_nanoseconds(), 0}),
                "commit");
        }
    }
    int fd = ::open(done_marker.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0)
        ::close(fd);
}

struct ResumeRow {
    u64 bytes {0};
    std::vector<double> warm_open_ms, warm_first_ms, cold_open_ms, cold_first_ms;
    u64 pages_restored {0};
};

ResumeRow measure_resume(std::string const& directory, u64 bytes, int runs)
{
    std::string path = directory + "/resume-" + std::to_string(bytes / mib) + "MiB.disk";
    ensure_resume_disk(path, bytes);
    ResumeRow row;
    row.bytes = bytes;
    u64 last_page = bytes / Hal::page_size - 1;
    u64 expected = last_page * 0x9E3779B97F4A7C15ull;
    for (int round = 0; round <= 2 * runs; ++round) {
        bool cold = round % 2 == 1;
        if (cold)
            drop_cache(path);
        double start = now_ms();
        auto disk = open_disk(path, 0);
        auto space = must(PersistentAddressSpace::open(*disk, options_for(nullptr, 0, 2)), "open PAS");
        double opened = now_ms();
        // The last page: the deepest path of the page map.
        u64 value = *space->at<u64 volatile>(last_page * Hal::page_size);
        double first = now_ms();
        if (value != expected)
            std::fprintf(stderr, "phantom-bench-persist: page %llu read back wrong\n",
                static_cast<unsigned long long>(last_page));
        row.pages_restored = space->statistics().pages_restored;
        if (round == 0)
            continue; // warm-up: the first open after writing
        (cold ? row.cold_open_ms : row.warm_open_ms).push_back(opened - start);
        (cold ? row.cold_first_ms : row.warm_first_ms).push_back(first - start);
    }
    return row;
}

// The mutating workload: a ledger of 8 Mi accounts (64 MiB) with transfers between random
// accounts; Hal::safepoint() after each transfer.
struct Ledger {
    static constexpr u64 account_count = 64 * mib / sizeof(u64);
    PersistentAddressSpace* space {nullptr};
    u64 operations {0};
    double elapsed_ms {0};

    static void run(void* argument)
    {
        auto& self = *static_cast<Ledger*>(argument);
        auto* accounts = self.space->at<u64>(0);
        u64 state = 0x2545F4914F6CDD1Dull;
        double start = now_ms();
        for (u64 op = 0; op < self.operations; ++op) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            u64 from = state % account_count;
            u64 to = (state >> 32) % account_count;
            u64 amount = state & 7;
            accounts[from] -= amount;
            accounts[to] += amount;
            Hal::safepoint();
        }
        self.elapsed_ms = now_ms() - start;
    }
};

struct WorkloadResult {
    double ops_per_second {0};
    double elapsed_ms {0};
    u64 snapshots {0};
    u64 copy_on_write_pages {0};
    u64 failed_snapshots {0};
};

WorkloadResult measure_workload(std::string const& directory, u64 operations, bool snapshots)
{
    std::string path = directory + "/workload.disk";
    ::unlink(path.c_str());
    WorkloadResult result;
    {
        // Two kept generations of the whole ledger and the one being written, with room to
        // spare: a full disk would fail snapshots and skew the numbers.
        auto disk = open_disk(path, 6 * 64 * mib / Hal::page_size);
        Hal::ThreadGroup group;
        u64 interval = snapshots ? Hal::nanoseconds_per_second : 0;
        auto space = must(PersistentAddressSpace::open(*disk, options_for(&group, interval, 2)), "open PAS");
        // Both runs start from the same state: every page of the ledger mapped and committed.
        std::memset(space->at<u8>(0), 1, 64 * mib);
        must(space->snapshot(), "first snapshot");
        auto before = space->statistics();

        Ledger ledger;
        ledger.space = space.ptr();
        ledger.operations = operations;
        Hal::ThreadOptions thread_options;
        thread_options.name = "ledger"sv;
        thread_options.group = &group;
        auto* thread = must(Hal::create_thread(Ledger::run, &ledger, thread_options), "create thread");
        Hal::join_thread(thread);

        auto after = space->statistics();
        result.elapsed_ms = ledger.elapsed_ms;
        result.ops_per_second = static_cast<double>(operations) / (ledger.elapsed_ms / 1e3);
        result.snapshots = after.snapshots - before.snapshots;
        result.copy_on_write_pages = after.copy_on_write_pages - before.copy_on_write_pages;
        result.failed_snapshots = after.failed_snapshots - before.failed_snapshots;
    }
    ::unlink(path.c_str());
    return result;
}

std::string executable_directory()
{
    char buffer[4096];
    ssize_t length = ::readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    if (length <= 0)
        return ".";
    std::string path(buffer, static_cast<usize>(length));
    return path.substr(0, path.rfind('/'));
}

} // namespace

int main(int argc, char** argv)
{
    int runs = 3;
    u64 operations = 0;
    std::string directory;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--runs" && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else if (argument == "--dir" && i + 1 < argc)
            directory = argv[++i];
        else if (argument == "--ops" && i + 1 < argc)
            operations = std::strtoull(argv[++i], nullptr, 10);
        else {
            std::fprintf(stderr, "usage: %s [--runs N] [--dir DIRECTORY] [--ops N]\n", argv[0]);
            return 2;
        }
    }
    if (directory.empty())
        directory = executable_directory() + "/persist-bench-data";
    ::mkdir(directory.c_str(), 0755);
    if (operations == 0)
        operations = 150'000'000;

    std::printf("Phantom persistence on the hosted port, file disks in %s, median of %d runs\n\n",
        directory.c_str(), runs);
    std::fflush(stdout);

    auto snapshot_rows = measure_snapshots(directory, runs);
    std::printf("1. Snapshot pause vs dirty pages (contiguous pages, one snapshot() each)\n\n");
    std::printf("| %-12s | %12s | %13s | %12s |\n", "dirty pages", "pause ms", "pause us/page", "write ms");
    std::printf("|--------------|--------------|---------------|--------------|\n");
    for (auto const& row : snapshot_rows) {
        double pause = median(row.pause_ms);
        std::printf("| %12llu | %12.2f | %13.3f | %12.1f |\n", static_cast<unsigned long long>(row.pages),
            pause, pause * 1e3 / static_cast<double>(row.pages), median(row.write_ms));
    }

    std::printf("\n2. Snapshot write throughput (page data / (commit incl. FLUSH)) vs pwrite+fdatasync\n\n");
    std::printf("| %-12s | %10s | %16s | %16s |\n", "dirty pages", "snapshot", "raw 4 KiB writes",
        "raw 1 MiB writes");
    std::printf("|--------------|------------|------------------|------------------|\n");
    for (auto const& row : snapshot_rows) {
        if (row.pages < 10'000)
            continue;
        u64 bytes = row.pages * Hal::page_size;
        std::vector<double> raw_small, raw_large;
        for (int run = 0; run < runs; ++run) {
            raw_small.push_back(measure_raw(directory, bytes, Hal::page_size));
            raw_large.push_back(measure_raw(directory, bytes, mib));
        }
        std::printf("| %12llu | %5.0f MB/s | %11.0f MB/s | %11.0f MB/s |\n",
            static_cast<unsigned long long>(row.pages), median(row.mb_per_second), median(raw_small),
            median(raw_large));
    }
    std::fflush(stdout);

    std::printf("\n3. Resume: PersistentAddressSpace::open() and the first page readable (ms from the start "
                "of open)\n\n");
    std::printf("| %-10s | %9s | %11s | %9s | %11s |\n", "PAS on disk", "warm open", "warm 1st pg",
        "cold open", "cold 1st pg");
    std::printf("|-------------|-----------|-------------|-----------|-------------|\n");
    for (u64 bytes : {64 * mib, 1024 * mib}) {
        auto row = measure_resume(directory, bytes, runs);
        std::printf("| %7llu MiB | %9.2f | %11.2f | %9.2f | %11.2f |\n",
            static_cast<unsigned long long>(bytes / mib), median(row.warm_open_ms), median(row.warm_first_ms),
            median(row.cold_open_ms), median(row.cold_first_ms));
        std::fflush(stdout);
    }

    std::printf("\n4. Ledger transfers over 64 MiB (%llu operations), snapshots every 1 s vs none\n\n",
        static_cast<unsigned long long>(operations));
    // Interleaved runs, so that load from elsewhere on the machine hits both alike.
    std::vector<WorkloadResult> plain, with_snapshots;
    for (int run = 0; run < runs; ++run) {
        plain.push_back(measure_workload(directory, operations, false));
        with_snapshots.push_back(measure_workload(directory, operations, true));
    }
    std::printf("| %-10s | %12s | %12s | %12s | %9s | %6s | %10s |\n", "snapshots", "ops/s median",
        "ops/s min", "ops/s max", "snapshots", "failed", "cow pages");
    std::printf(
        "|------------|--------------|--------------|--------------|-----------|--------|------------|\n");
    double medians[2] = {};
    for (int which = 0; which < 2; ++which) {
        auto const& results = which == 0 ? plain : with_snapshots;
        std::vector<double> ops;
        u64 snapshot_count = 0, failed = 0, cow = 0;
        for (auto const& result : results) {
            ops.push_back(result.ops_per_second);
            snapshot_count += result.snapshots;
            failed += result.failed_snapshots;
            cow += result.copy_on_write_pages;
        }
        medians[which] = median(ops);
        auto count = static_cast<u64>(results.size());
        std::printf("| %-10s | %12.0f | %12.0f | %12.0f | %9.1f | %6llu | %10llu |\n",
            which == 0 ? "none" : "every 1 s", medians[which], *std::min_element(ops.begin(), ops.end()),
            *std::max_element(ops.begin(), ops.end()),
            static_cast<double>(snapshot_count) / static_cast<double>(count),
            static_cast<unsigned long long>(failed), static_cast<unsigned long long>(cow / count));
    }
    std::printf("\n(snapshots and cow pages: per run; failed: total)\n");
    std::printf("throughput loss with snapshots every 1 s (medians): %.1f %%\n",
        100.0 * (1.0 - medians[1] / medians[0]));
    return 0;
}
