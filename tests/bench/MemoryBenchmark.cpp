// phantom-bench-memory: the cost of dirty tracking for 10,000 pages on both ports:
//   write        the first write to each of the pages after a clear (pc: the processor sets
//                the PTE dirty bits; hosted: one write-protection fault per page)
//   collect+clear  Hal::collect_dirty_pages(..., ClearDirty::Yes) with every page dirty
//   collect clean  the same call again, with no page dirty
// The hosted numbers are measured in this process; the pc numbers come from the kernel's
// own `test=memory_bench` under QEMU (TCG unless --kvm), read from its serial log. Prints a
// table of medians; never passes or fails on a time.
#include <kernel/hal/Memory.h>
#include <tests/system/harness/Environment.h>
#include <tests/system/harness/QemuMachine.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <chrono>
#include <vector>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

constexpr usize page_count = 10'000;

struct Row {
    QString port;
    std::vector<double> write_us, clear_us, clean_us;
};

double median(std::vector<double> values)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

double microseconds_since(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

Row measure_hosted(int runs)
{
    Row row {QStringLiteral("hosted (mprotect + SIGSEGV)"), {}, {}, {}};
    auto range = Hal::reserve_range(page_count * Hal::page_size);
    if (range.is_error()
        || Hal::map_zeroed(range.value().base, range.value().size, Hal::Protection::ReadWrite).is_error())
        return row;
    std::vector<u64> bitmap((page_count + 63) / 64);
    Span<u64> bits(bitmap.data(), bitmap.size());
    for (int run = 0; run <= runs; ++run) {
        auto start = std::chrono::steady_clock::now();
        for (usize page = 0; page < page_count; ++page)
            *reinterpret_cast<u64 volatile*>(range.value().base + page * Hal::page_size) = page;
        double write = microseconds_since(start);
        start = std::chrono::steady_clock::now();
        usize dirty = Hal::collect_dirty_pages(range.value().base, page_count, bits, Hal::ClearDirty::Yes);
        double clear = microseconds_since(start);
        start = std::chrono::steady_clock::now();
        usize clean = Hal::collect_dirty_pages(range.value().base, page_count, bits, Hal::ClearDirty::Yes);
        double scan = microseconds_since(start);
        if (dirty != page_count || clean != 0)
            qFatal("hosted dirty tracking is wrong: %zu dirty, then %zu", dirty, clean);
        if (run == 0)
            continue; // warm-up: first touch of the pages
        row.write_us.push_back(write);
        row.clear_us.push_back(clear);
        row.clean_us.push_back(scan);
    }
    Hal::release_range(range.value());
    return row;
}

Row measure_pc(int runs, bool kvm)
{
    Row row {kvm ? QStringLiteral("pc in QEMU, KVM (PTE dirty bits)")
                 : QStringLiteral("pc in QEMU, TCG (PTE dirty bits)"),
        {}, {}, {}};
    QRegularExpression const line(QStringLiteral(
        R"(^phantom: bench memory: pages=(\d+) write_us=(\d+) collect_and_clear_dirty_us=(\d+) collect_clean_us=(\d+)$)"));
    for (int run = 0; run < runs; ++run) {
        MachineConfiguration configuration;
        configuration.kernel_path = kernel_path(KernelImage::Product);
        configuration.command_line = QStringLiteral("test=memory_bench");
        configuration.accelerator = kvm ? Accelerator::Kvm : Accelerator::Tcg;
        QemuMachine machine(configuration);
        if (!machine.start() || !machine.expect_verdict(VerdictKind::Pass, 120s)) {
            QTextStream(stderr) << machine.failure() << '\n';
            return row;
        }
        // Three rounds per boot; the first touches fresh pages, so only the later ones count.
        int round = 0;
        for (auto const& text : machine.serial_lines()) {
            auto match = line.match(text);
            if (!match.hasMatch() || round++ == 0)
                continue;
            row.write_us.push_back(match.captured(2).toDouble());
            row.clear_us.push_back(match.captured(3).toDouble());
            row.clean_us.push_back(match.captured(4).toDouble());
        }
    }
    return row;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Cost of dirty tracking for 10,000 pages, hosted and pc"));
    parser.addHelpOption();
    QCommandLineOption runs_option(QStringLiteral("runs"), QStringLiteral("Measured runs (default 5)."),
        QStringLiteral("count"), QStringLiteral("5"));
    QCommandLineOption kvm_option(
        QStringLiteral("kvm"), QStringLiteral("Also measure the pc port under KVM."));
    parser.addOptions({runs_option, kvm_option});
    parser.process(application);
    int runs = std::max(1, parser.value(runs_option).toInt());

    std::vector<Row> rows;
    rows.push_back(measure_hosted(runs));
    rows.push_back(measure_pc(runs, false));
    if (parser.isSet(kvm_option) && kvm_usable())
        rows.push_back(measure_pc(runs, true));

    QTextStream out(stdout);
    out << "Dirty tracking, " << page_count << " pages of 4 KiB, median of " << runs
        << " runs (microseconds)\n\n";
    out << QStringLiteral("| %1 | %2 | %3 | %4 |\n")
               .arg(QStringLiteral("port"), -34)
               .arg(QStringLiteral("first writes"), 12)
               .arg(QStringLiteral("collect+clear"), 13)
               .arg(QStringLiteral("collect clean"), 13);
    out << "|------------------------------------|--------------|---------------|---------------|\n";
    for (auto const& row : rows) {
        auto cell = [](std::vector<double> const& values, int width) {
            return values.empty() ? QStringLiteral("n/a").rightJustified(width)
                                  : QString::number(median(values), 'f', 0).rightJustified(width);
        };
        out << "| " << row.port.leftJustified(34) << " | " << cell(row.write_us, 12) << " | "
            << cell(row.clear_us, 13) << " | " << cell(row.clean_us, 13) << " |\n";
    }
    out << "\nTCG emulates the processor, so pc numbers under TCG are not hardware costs.\n";
    return 0;
}
