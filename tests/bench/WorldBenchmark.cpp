// phantom-bench-world: what snapshots cost a running world, on both ports. The world program
// tests/system/worlds/churn.ph (a 20,000-array working set rewritten slot by slot: dirty pages
// all over the heap, and garbage) runs on a fresh disk in phantom-hosted and in QEMU (the
// kernel's embedded world `churn`, under TCG), once without periodic snapshots and once each
// with a snapshot every 5000 ms (the default), 1000 ms and 200 ms. For each configuration the
// table gives the median wall time of the work (from the program's "ready" line to its "done"
// line, timed here), the throughput lost against no snapshots, and the snapshots taken during
// the work: how many, dirty pages each, the pause (median and largest) and the part of the
// pause spent waiting for the VM to reach a safepoint (from the PAS's log lines). It never
// passes or fails on a time.
//
//   phantom-bench-world [--runs N] [--hosted PATH] [--program PATH.ph] [--port hosted|pc|both]
#include <tests/system/harness/Environment.h>
#include <tests/system/harness/MachineConfiguration.h>
#include <tests/system/harness/QemuMachine.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

using namespace SystemTest;

struct Snapshot {
    double pages {0};
    double pause_ms {0};
    double safepoint_ms {0};
};

struct Run {
    bool ok {false};
    double work_ms {0};
    std::vector<Snapshot> snapshots;
    QString failure;
};

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

QRegularExpression const& snapshot_line()
{
    static QRegularExpression const pattern(
        "snapshot gen=\\d+ pages=(\\d+) pause_us=(\\d+) write_ms=\\d+ safepoint_us=(\\d+)");
    return pattern;
}

void add_snapshot(Run& run, QRegularExpressionMatch const& match)
{
    run.snapshots.push_back({match.captured(1).toDouble(), match.captured(2).toDouble() / 1000,
        match.captured(3).toDouble() / 1000});
}

// One fresh world in QEMU from boot to "churn: done"; then the plug is pulled.
Run run_world_in_qemu(int interval_ms)
{
    using namespace std::chrono_literals;
    Run run;
    QTemporaryDir directory;
    QString disk = directory.filePath("world.disk");
    if (!create_disk_image(disk, 2ll * 1024 * 1024 * 1024)) {
        run.failure = "cannot create " + disk;
        return run;
    }
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.memory_mib = 512;
    configuration.command_line = QStringLiteral("world=churn fresh snapshot_ms=%1").arg(interval_ms);
    configuration.extra_arguments = virtio_disk_arguments(disk);
    QemuMachine machine(configuration);
    if (!machine.start()) {
        run.failure = machine.failure();
        return run;
    }
    auto ready = machine.wait_for_serial_text("churn: ready", 300s);
    QElapsedTimer clock;
    clock.start();
    auto done
        = ready ? machine.wait_for_serial_text("churn: done", 900s, ready->line_index + 1) : std::nullopt;
    if (!done) {
        QStringList lines = machine.serial_lines();
        run.failure
            = QStringLiteral("the world did not finish its work (%1); the serial log ends with:\n  %2")
                  .arg(ready ? "after ready" : "before ready",
                      lines.mid(std::max(0, int(lines.size()) - 12)).join("\n  "));
        machine.power_cut();
        return run;
    }
    run.work_ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    QStringList lines = machine.serial_lines();
    for (int index = ready->line_index + 1; index < done->line_index && index < lines.size(); ++index) {
        if (auto match = snapshot_line().match(lines[index]); match.hasMatch())
            add_snapshot(run, match);
    }
    run.ok = true;
    machine.power_cut();
    return run;
}

// One fresh world from start to "churn: done", then an orderly stop.
Run run_world(QString const& hosted, QString const& program, int interval_ms)
{
    Run run;
    QTemporaryDir directory;
    QString disk = directory.filePath("world.disk");
    QFile file(disk);
    if (!file.open(QIODevice::WriteOnly) || !file.resize(2ll * 1024 * 1024 * 1024)) {
        run.failure = "cannot create " + disk;
        return run;
    }
    file.close();
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(
        hosted, {"disk=" + disk, "world=" + program, "fresh", "snapshot_ms=" + QString::number(interval_ms)});
    QElapsedTimer clock;
    bool working = false;
    QByteArray pending;
    while (process.state() != QProcess::NotRunning || process.bytesAvailable() > 0) {
        process.waitForReadyRead(100);
        pending += process.readAll();
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            QString line = QString::fromUtf8(pending.left(newline));
            pending.remove(0, newline + 1);
            if (line.startsWith("churn: ready")) {
                clock.start();
                working = true;
            } else if (line.startsWith("churn: done")) {
                run.work_ms = static_cast<double>(clock.nsecsElapsed()) / 1e6;
                run.ok = true;
                process.terminate();
                process.waitForFinished(30'000);
                return run;
            } else if (auto match = snapshot_line().match(line); working && match.hasMatch()) {
                add_snapshot(run, match);
            } else if (line.contains("world: ") && line.contains("rejected")) {
                run.failure = line;
            }
        }
        if (process.state() == QProcess::NotRunning && process.bytesAvailable() == 0)
            break;
    }
    if (run.failure.isEmpty())
        run.failure = "the world ended before its work was done";
    return run;
}

// The table of one port; `run_once(interval_ms)` runs the world once.
template<typename RunOnce> void print_table(QString const& port, int runs, RunOnce run_once)
{
    std::printf("\nWorld snapshots on the %s port (world churn), median of %d runs\n\n",
        port == "pc" ? "pc (QEMU, TCG)" : "hosted", runs);
    std::printf("| %-18s | %8s | %6s | %9s | %11s | %12s | %11s | %14s |\n", "snapshots", "work ms", "loss",
        "snapshots", "pages each", "pause median", "pause max", "safepoint part");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------", "----------", "--------",
        "-----------", "-------------", "--------------", "-------------", "----------------");
    double baseline = 0;
    for (int interval : {0, 5000, 1000, 200}) {
        std::vector<double> work;
        std::vector<double> counts;
        std::vector<double> pages;
        std::vector<double> pauses;
        std::vector<double> safepoints;
        QString failure;
        for (int round = 0; round < runs; ++round) {
            Run run = run_once(interval);
            if (!run.ok) {
                failure = run.failure;
                break;
            }
            work.push_back(run.work_ms);
            counts.push_back(static_cast<double>(run.snapshots.size()));
            for (auto const& snapshot : run.snapshots) {
                pages.push_back(snapshot.pages);
                pauses.push_back(snapshot.pause_ms);
                safepoints.push_back(snapshot.safepoint_ms);
            }
        }
        QString label = interval == 0 ? QStringLiteral("none") : QStringLiteral("every %1 ms").arg(interval);
        if (!failure.isEmpty()) {
            std::printf("| %-18s | failed: %s\n", qPrintable(label), qPrintable(failure));
            continue;
        }
        double work_ms = median(work);
        if (interval == 0)
            baseline = work_ms;
        QString loss = interval == 0 || baseline == 0
            ? QStringLiteral("-")
            : QString::asprintf("%+.1f %%", (work_ms - baseline) / baseline * 100);
        double largest = pauses.empty() ? 0 : *std::max_element(pauses.begin(), pauses.end());
        std::printf("| %-18s | %8.0f | %6s | %9.0f | %11.0f | %9.2f ms | %8.2f ms | %11.2f ms |\n",
            qPrintable(label), work_ms, qPrintable(loss), median(counts), median(pages), median(pauses),
            largest, median(safepoints));
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    int runs = 3;
    QString hosted = PHANTOM_BENCH_HOSTED;
    QString program = PHANTOM_BENCH_WORLD_PROGRAM;
    QString only_port = "both";
    QStringList arguments = application.arguments();
    for (int index = 1; index + 1 < arguments.size(); index += 2) {
        if (arguments[index] == "--runs")
            runs = std::max(1, arguments[index + 1].toInt());
        else if (arguments[index] == "--hosted")
            hosted = arguments[index + 1];
        else if (arguments[index] == "--program")
            program = arguments[index + 1];
        else if (arguments[index] == "--port")
            only_port = arguments[index + 1];
    }

    for (QString const& port : {QStringLiteral("hosted"), QStringLiteral("pc")}) {
        if (only_port == "both" || only_port == port)
            print_table(port, runs, [&](int interval) {
                return port == "pc" ? run_world_in_qemu(interval) : run_world(hosted, program, interval);
            });
    }
    std::printf(
        "\nloss: work time against no snapshots (positive: slower). The pause is the time the VM was\n"
        "stopped: the wait for its next safepoint plus the page-table work (dirty collection,\n"
        "write protection); the disk writes happen while the VM runs on.\n");
    return 0;
}
