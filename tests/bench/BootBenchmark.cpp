// phantom-bench-boot: wall time from starting QEMU to the kernel's `phantom: ready` line,
// and to QEMU's exit with test=ready, for each way of booting the kernel:
//   kernel image  product (PVH note + multiboot header) vs multiboot-only
//   firmware      SeaBIOS (QEMU's default) vs qboot
//   accelerator   TCG vs KVM (skipped when /dev/kvm is not usable)
// plus the peer: Debian's Linux + busybox booted by ../shared/peers/linux-boot under the
// same QEMU. Prints a table of median, min and max; never passes or fails on a time.
//
// Runs are interleaved (one run of every configuration per round) so that a burst of load
// on the machine spreads over all rows instead of spoiling one. See README.md.
#include <tests/system/harness/Environment.h>
#include <tests/system/harness/QemuMachine.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <optional>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct Samples {
    std::vector<double> values;

    void add(double value) { values.push_back(value); }
    bool is_empty() const { return values.empty(); }
    double median() const
    {
        std::vector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());
        size_t const middle = sorted.size() / 2;
        return sorted.size() % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
    double minimum() const { return *std::min_element(values.begin(), values.end()); }
    double maximum() const { return *std::max_element(values.begin(), values.end()); }
};

struct Configuration {
    KernelImage image;
    Firmware firmware;
    Accelerator accelerator;
    QString skip_reason; // set when the configuration cannot run on this machine

    Samples to_ready_ms;
    Samples to_exit_ms;
    Samples kernel_reported_ms;
    QString booted_via; // from the banner: "pvh" or "multiboot"
    QString failure;    // the first failed run, shortened
    int failed_runs {0};
};

double milliseconds(std::chrono::nanoseconds duration) { return double(duration.count()) / 1e6; }

QString first_line(QString const& text)
{
    QString line = text.section(QLatin1Char('\n'), 0, 0);
    // "... before a serial line matched /regex/" only repeats what the row is about.
    qsizetype const redundant = line.indexOf(QStringLiteral(" before a serial line matched"));
    if (redundant > 0)
        line.truncate(redundant);
    return line.left(110);
}

void run_once(Configuration& configuration, bool record)
{
    MachineConfiguration machine_configuration;
    machine_configuration.kernel_path = kernel_path(configuration.image);
    machine_configuration.command_line = QStringLiteral("test=ready");
    machine_configuration.firmware = configuration.firmware;
    machine_configuration.accelerator = configuration.accelerator;
    // Re-read the serial file every millisecond: the poll interval bounds the error of the
    // "ready" time (the exit time is exact, QProcess reports it at once).
    machine_configuration.poll_interval = 1ms;

    QemuMachine machine(machine_configuration);
    auto record_failure = [&](QString const& what) {
        ++configuration.failed_runs;
        if (configuration.failure.isEmpty())
            configuration.failure = first_line(what);
    };
    if (!machine.start())
        return record_failure(machine.failure());

    static QRegularExpression const ready_pattern(QStringLiteral(R"(^phantom: ready in (\d+) ms$)"));
    auto const ready = machine.wait_for_serial(ready_pattern, 120s);
    auto const ready_time = machine.elapsed();
    if (!ready)
        return record_failure(machine.failure());
    Verdict const verdict = machine.wait_for_exit(120s);
    auto const exit_time = machine.elapsed();
    if (!verdict.is(VerdictKind::Pass))
        return record_failure(QStringLiteral("verdict %1").arg(verdict.description()));

    static QRegularExpression const banner_pattern(QStringLiteral(R"(\((\w+) boot\))"));
    if (auto const banner = machine.wait_for_serial(banner_pattern, 1s))
        configuration.booted_via = banner->match.captured(1);
    if (!record)
        return;
    configuration.to_ready_ms.add(milliseconds(ready_time));
    configuration.to_exit_ms.add(milliseconds(exit_time));
    configuration.kernel_reported_ms.add(ready->match.captured(1).toDouble());
}

struct PeerResult {
    QString accelerator;
    Samples to_user_space_ms;
    QString skip_reason;
};

// Runs the peer script for one boot and returns its time, or nothing with `problem` set.
// The script starts QEMU in the background, so it runs in its own session and a timeout
// kills the whole process group, QEMU included.
std::optional<double> run_peer_once(
    QString const& script, QString const& accelerator, std::chrono::seconds timeout, QString& problem)
{
    QProcess process;
    process.setChildProcessModifier([] { ::setsid(); });
    process.start(
        script, {QStringLiteral("--accel"), accelerator, QStringLiteral("--runs"), QStringLiteral("1")});
    if (!process.waitForStarted(10000)) {
        problem = QStringLiteral("could not run the peer script: %1").arg(process.errorString());
        return std::nullopt;
    }
    if (!process.waitForFinished(int(std::chrono::milliseconds(timeout).count()))) {
        ::kill(-pid_t(process.processId()), SIGKILL);
        process.waitForFinished(5000);
        problem = QStringLiteral("no user-space line within %1 s").arg(timeout.count());
        return std::nullopt;
    }
    QString const output = QString::fromLocal8Bit(process.readAllStandardOutput());
    static QRegularExpression const time_pattern(
        QStringLiteral(R"(:\s*(\d+) ms\s*$)"), QRegularExpression::MultilineOption);
    auto const match = time_pattern.match(output);
    if (!match.hasMatch()) {
        problem = QStringLiteral("the peer printed no time (exit status %1): %2")
                      .arg(process.exitCode())
                      .arg(first_line(QString::fromLocal8Bit(process.readAllStandardError()).trimmed()));
        return std::nullopt;
    }
    return match.captured(1).toDouble();
}

PeerResult run_peer(QString const& script, QString const& accelerator, int runs)
{
    PeerResult result {accelerator, {}, {}};
    for (int run = 0; run < runs; ++run) {
        // The very first run (TCG comes first) may install packages and download Debian's kernel.
        bool const may_download = run == 0 && accelerator == QStringLiteral("tcg");
        auto const timeout = may_download ? std::chrono::seconds(600) : std::chrono::seconds(120);
        auto const time = run_peer_once(script, accelerator, timeout, result.skip_reason);
        if (!time)
            break;
        result.to_user_space_ms.add(*time);
        out() << "." << Qt::flush;
    }
    if (!result.to_user_space_ms.is_empty() && !result.skip_reason.isEmpty())
        result.skip_reason.prepend(QStringLiteral("some runs failed: "));
    return result;
}

QString load_average()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

QString cpu_model()
{
    QFile file(QStringLiteral("/proc/cpuinfo"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown CPU");
    for (auto const& line : QString::fromLatin1(file.readAll()).split(QLatin1Char('\n'))) {
        if (line.startsWith(QStringLiteral("model name")))
            return line.section(QLatin1Char(':'), 1).trimmed();
    }
    return QStringLiteral("unknown CPU");
}

QString qemu_version()
{
    QProcess process;
    process.start(qemu_executable(), {QStringLiteral("--version")});
    if (!process.waitForFinished(10000))
        return QStringLiteral("unknown");
    return first_line(QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed());
}

QString number(double value) { return QString::number(value, 'f', value < 100 ? 1 : 0); }

QString statistics(Samples const& samples)
{
    if (samples.is_empty())
        return QStringLiteral("-");
    return QStringLiteral("%1 (%2-%3)")
        .arg(number(samples.median()), number(samples.minimum()), number(samples.maximum()));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("phantom-bench-boot"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Measures QEMU start to `phantom: ready` for every boot path."));
    parser.addHelpOption();
    QCommandLineOption const runs_option(QStringLiteral("runs"),
        QStringLiteral("Measured runs per configuration (default 5)."), QStringLiteral("N"),
        QStringLiteral("5"));
    QCommandLineOption const warmup_option(QStringLiteral("warmup"),
        QStringLiteral("Unmeasured runs per configuration first (default 1)."), QStringLiteral("N"),
        QStringLiteral("1"));
    QCommandLineOption const peer_option(QStringLiteral("peer"),
        QStringLiteral("The linux-boot peer script (skipped when missing)."), QStringLiteral("PATH"));
    QCommandLineOption const no_kvm_option(QStringLiteral("no-kvm"), QStringLiteral("Skip the KVM rows."));
    parser.addOptions({runs_option, warmup_option, peer_option, no_kvm_option});
    parser.process(application);
    int const runs = qMax(1, parser.value(runs_option).toInt());
    int const warmup = qMax(0, parser.value(warmup_option).toInt());

    QString kvm_problem;
    bool const kvm = !parser.isSet(no_kvm_option) && kvm_usable(&kvm_problem);
    if (parser.isSet(no_kvm_option))
        kvm_problem = QStringLiteral("--no-kvm");

    std::vector<Configuration> configurations;
    for (auto accelerator : {Accelerator::Tcg, Accelerator::Kvm}) {
        for (auto image : {KernelImage::Product, KernelImage::Multiboot}) {
            for (auto firmware : {Firmware::SeaBios, Firmware::Qboot}) {
                Configuration configuration {image, firmware, accelerator, {}, {}, {}, {}, {}, {}, 0};
                if (accelerator == Accelerator::Kvm && !kvm)
                    configuration.skip_reason = kvm_problem;
                else if (!QFileInfo(kernel_path(image)).isFile())
                    configuration.skip_reason = QStringLiteral("%1 is not built").arg(kernel_path(image));
                configurations.push_back(configuration);
            }
        }
    }

    QString const load_before = load_average();
    out() << "Phantom boot benchmark: " << runs << " measured run(s) per row after " << warmup
          << " warm-up run(s)\n"
          << "  " << qemu_version() << ", " << cpu_model() << ", " << QThread::idealThreadCount()
          << " CPU(s), " << QSysInfo::prettyProductName() << "\n"
          << "  kernels from " << kernel_directory() << "\n"
          << "  measuring" << Qt::flush;

    for (int round = 0; round < warmup + runs; ++round) {
        for (auto& configuration : configurations) {
            if (!configuration.skip_reason.isEmpty())
                continue;
            run_once(configuration, round >= warmup);
            out() << "." << Qt::flush;
        }
    }
    out() << "\n";

    std::vector<PeerResult> peers;
    QString const peer_script = parser.value(peer_option);
    QString peer_skip;
    if (peer_script.isEmpty())
        peer_skip = QStringLiteral("no --peer given");
    else if (!QFileInfo(peer_script).isExecutable())
        peer_skip = QStringLiteral("%1 not found").arg(peer_script);
    else {
        out() << "  running the Linux peer " << peer_script << " (its first run may download Debian's kernel)"
              << Qt::flush;
        peers.push_back(run_peer(peer_script, QStringLiteral("tcg"), runs));
        if (kvm)
            peers.push_back(run_peer(peer_script, QStringLiteral("kvm"), runs));
        out() << "\n";
    }

    out() << "  load average before " << load_before << ", after " << load_average() << "\n\n";
    out() << "Wall time in ms from starting QEMU, median (min-max); \"kernel\" is the kernel's own `ready "
             "in` time\n\n";
    QString const header = QStringLiteral("%1 %2 %3 %4 | %5 | %6 | %7")
                               .arg(QStringLiteral("kernel image"), -13)
                               .arg(QStringLiteral("booted via"), -10)
                               .arg(QStringLiteral("firmware"), -8)
                               .arg(QStringLiteral("accel"), -5)
                               .arg(QStringLiteral("start -> ready"), -22)
                               .arg(QStringLiteral("start -> exit"), -22)
                               .arg(QStringLiteral("kernel"), -6);
    out() << header << "\n" << QString(header.size(), QLatin1Char('-')) << "\n";
    for (auto const& configuration : configurations) {
        QString const prefix
            = QStringLiteral("%1 %2 %3 %4 | ")
                  .arg(kernel_image_name(configuration.image), -13)
                  .arg(configuration.booted_via.isEmpty() ? QStringLiteral("?") : configuration.booted_via,
                      -10)
                  .arg(firmware_name(configuration.firmware), -8)
                  .arg(accelerator_name(configuration.accelerator), -5);
        if (!configuration.skip_reason.isEmpty()) {
            out() << prefix << "skipped: " << configuration.skip_reason << "\n";
            continue;
        }
        if (configuration.to_ready_ms.is_empty()) {
            out() << prefix << "does not boot: " << configuration.failure << "\n";
            continue;
        }
        out() << prefix
              << QStringLiteral("%1 | %2 | %3")
                     .arg(statistics(configuration.to_ready_ms), -22)
                     .arg(statistics(configuration.to_exit_ms), -22)
                     .arg(number(configuration.kernel_reported_ms.median()), -6);
        if (configuration.failed_runs > 0)
            out() << "  (" << configuration.failed_runs << " run(s) failed: " << configuration.failure << ")";
        out() << "\n";
    }
    if (peers.empty())
        out() << QStringLiteral("%1 | skipped: %2\n")
                     .arg(QStringLiteral("linux+busybox (peer)"), -40)
                     .arg(peer_skip);
    for (auto const& peer : peers) {
        QString const prefix = QStringLiteral("%1 %2 %3 | ")
                                   .arg(QStringLiteral("linux+busybox (peer)"), -24)
                                   .arg(QStringLiteral("seabios"), -8)
                                   .arg(peer.accelerator, -5);
        if (peer.to_user_space_ms.is_empty()) {
            out() << prefix << "does not boot: " << peer.skip_reason << "\n";
            continue;
        }
        out() << prefix
              << QStringLiteral("%1 | (to user space; QEMU killed)")
                     .arg(statistics(peer.to_user_space_ms), -22);
        if (!peer.skip_reason.isEmpty())
            out() << "  (" << peer.skip_reason << ")";
        out() << "\n";
    }
    out() << Qt::flush;
    return 0;
}
