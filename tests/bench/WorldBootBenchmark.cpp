// phantom-bench-world-boot: QEMU start -> the object shell's first line (the system world,
// shell/system.ph, on COM1) for
//   fresh    a blank disk: the kernel formats it and installs the world
//   resumed  the same world resumed, with little in the persistent address space
//   resumed with ~0.9 GiB  a world whose heap holds 14 images of 64 MiB (filled, so every page
//            is on the disk), built once by typing at the shell over the serial line
// side by side with the Linux peer (../shared/peers/linux-boot: Debian's kernel + busybox to
// its first user-space line, the same QEMU). The resumed rows should be about equal: pages
// come in on demand, so boot time must not grow with the heap. Also prints the snapshot of
// the big world (pause and write time, as the kernel logs them). Prints a table of median,
// min and max over --runs runs; never passes or fails on a time.
#include <tests/system/harness/Environment.h>
#include <tests/system/harness/QemuMachine.h>
#include <tests/system/harness/SerialKeyboard.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>
#include <sys/stat.h>
#include <thread>
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

constexpr qint64 disk_bytes = 2ll * 1024 * 1024 * 1024;
constexpr int memory_mib = 2048;
constexpr int image_count = 14; // 64 MiB each

struct Samples {
    std::vector<double> values;
    QString problem;

    QString summary() const
    {
        if (values.empty())
            return problem.isEmpty() ? QStringLiteral("no runs") : problem;
        std::vector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());
        size_t middle = sorted.size() / 2;
        double median = sorted.size() % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return QStringLiteral("%1 (%2-%3)")
            .arg(median, 0, 'f', 0)
            .arg(sorted.front(), 0, 'f', 0)
            .arg(sorted.back(), 0, 'f', 0);
    }
};

MachineConfiguration shell_machine(QString const& image, QString const& socket = {})
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("snapshot_ms=0");
    configuration.memory_mib = memory_mib;
    configuration.serial_input_socket = socket;
    configuration.extra_arguments = virtio_disk_arguments(image);
    configuration.poll_interval = 2ms;
    return configuration;
}

QRegularExpression const fresh_line(
    QStringLiteral(R"(^phantom object shell \(generation \d+\), type help$)"));
QRegularExpression const resumed_line(QStringLiteral(R"(^resumed after \d+ ms at generation \d+$)"));

// One boot: milliseconds from QEMU's start to `line`, or nothing with `problem` set.
std::optional<double> time_boot(QString const& image, QRegularExpression const& line, QString& problem)
{
    QemuMachine machine(shell_machine(image));
    if (!machine.start()) {
        problem = machine.failure();
        return {};
    }
    auto match = machine.wait_for_serial(line, 300s);
    if (!match) {
        problem = machine.failure().section(QLatin1Char('\n'), 0, 0);
        return {};
    }
    double milliseconds = std::chrono::duration<double, std::milli>(machine.elapsed()).count();
    machine.power_cut();
    return milliseconds;
}

// Builds a world on `image`: a fresh shell, `images` filled 64 MiB images in a variable, a
// snapshot (so the shell resumes at its prompt), the power button. Returns the kernel's
// snapshot line, or nothing with `problem` set.
std::optional<QString> build_world(QString const& image, QString const& socket, int images, QString& problem)
{
    QemuMachine machine(shell_machine(image, socket));
    SerialKeyboard keyboard;
    if (!machine.start() || !keyboard.connect_to(socket)) {
        problem = QStringLiteral("cannot start QEMU with a serial socket: %1").arg(machine.failure());
        return {};
    }
    if (!machine.wait_for_serial(fresh_line, 300s)) {
        problem = machine.failure();
        return {};
    }
    QString fill = QStringLiteral(
        "while (blocks.length() < %1) { let block = Image(4096, 4096); block.clear(4281558681); "
        "blocks.push(block) }")
                       .arg(images);
    if (!keyboard.type_line("var blocks = []") || !keyboard.type_line(fill)
        || !keyboard.type_line("blocks.length()")) {
        problem = QStringLiteral("cannot type on the serial line");
        return {};
    }
    if (!machine.wait_for_serial(QRegularExpression(QStringLiteral("^(phantom> )*%1$").arg(images)), 1800s)) {
        problem = QStringLiteral("the shell did not build the images: %1").arg(machine.failure());
        return {};
    }
    int from = static_cast<int>(machine.serial_lines().size());
    if (!keyboard.type_line("snapshot")) {
        problem = QStringLiteral("cannot type on the serial line");
        return {};
    }
    auto snapshot = machine.wait_for_serial(
        QRegularExpression(QStringLiteral(R"(^phantom: snapshot gen=\d+ pages=\d+ .*$)")), 1800s, from);
    auto answer = machine.wait_for_serial(
        QRegularExpression(QStringLiteral(R"(^(phantom> )*snapshot: generation \d+.*$)")), 1800s, from);
    if (!snapshot || !answer) {
        problem = QStringLiteral("the snapshot did not finish: %1").arg(machine.failure());
        return {};
    }
    (void)machine.ensure_qmp();
    (void)machine.execute(QStringLiteral("system_powerdown"));
    (void)machine.wait_for_exit(600s);
    return snapshot->line.mid(QStringLiteral("phantom: ").size());
}

// The Linux peer script: prints "...: <ms> ms" for one boot to its first user-space line.
std::optional<double> run_peer_once(QString const& script, QString& problem)
{
    QProcess process;
    process.setChildProcessModifier([] { ::setsid(); });
    process.start(script,
        {QStringLiteral("--accel"), QStringLiteral("tcg"), QStringLiteral("--runs"), QStringLiteral("1")});
    if (!process.waitForStarted(10000) || !process.waitForFinished(600'000)) {
        if (process.processId() > 0)
            ::kill(-pid_t(process.processId()), SIGKILL);
        process.waitForFinished(5000);
        problem = QStringLiteral("the peer did not finish");
        return {};
    }
    static QRegularExpression const time_pattern(
        QStringLiteral(R"(:\s*(\d+) ms\s*$)"), QRegularExpression::MultilineOption);
    auto match = time_pattern.match(QString::fromLocal8Bit(process.readAllStandardOutput()));
    if (!match.hasMatch()) {
        problem = QStringLiteral("the peer printed no time");
        return {};
    }
    return match.captured(1).toDouble();
}

QString disk_usage(QString const& image)
{
    struct stat status { };
    if (::stat(QFile::encodeName(image).constData(), &status) != 0)
        return QStringLiteral("?");
    return QStringLiteral("%1 MiB on the host")
        .arg(static_cast<qint64>(status.st_blocks) * 512 / (1024 * 1024));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("QEMU start -> object shell, fresh and resumed worlds"));
    parser.addHelpOption();
    QCommandLineOption runs_option(QStringLiteral("runs"), QStringLiteral("Measured runs per row."),
        QStringLiteral("N"), QStringLiteral("5"));
    QCommandLineOption peer_option(
        QStringLiteral("peer"), QStringLiteral("The linux-boot peer script."), QStringLiteral("PATH"));
    QCommandLineOption no_big_option(QStringLiteral("no-big"), QStringLiteral("Skip the ~0.9 GiB world."));
    parser.addOptions({runs_option, peer_option, no_big_option});
    parser.process(application);
    int runs = std::max(1, parser.value(runs_option).toInt());

    QTemporaryDir directory;
    if (!directory.isValid()) {
        out() << "no temporary directory\n";
        return 1;
    }
    QString small_image = directory.filePath(QStringLiteral("small.img"));
    QString big_image = directory.filePath(QStringLiteral("big.img"));
    QString socket = directory.filePath(QStringLiteral("com1.sock"));
    out() << "world boot: QEMU (TCG, SeaBIOS, " << memory_mib
          << " MiB) start -> the object shell's first line; " << runs << " runs per row\n"
          << Qt::flush;

    Samples fresh;
    for (int run = 0; run < runs; ++run) {
        QString image = directory.filePath(QStringLiteral("fresh-%1.img").arg(run));
        if (!create_disk_image(image, disk_bytes))
            break;
        auto time = time_boot(image, fresh_line, fresh.problem);
        QFile::remove(image);
        if (!time)
            break;
        fresh.values.push_back(*time);
    }
    out() << "  fresh done\n" << Qt::flush;

    Samples resumed;
    if (create_disk_image(small_image, disk_bytes) && build_world(small_image, socket, 0, resumed.problem)) {
        for (int run = 0; run < runs; ++run) {
            auto time = time_boot(small_image, resumed_line, resumed.problem);
            if (!time)
                break;
            resumed.values.push_back(*time);
        }
    }
    out() << "  resumed done (" << disk_usage(small_image) << ")\n" << Qt::flush;

    Samples big;
    QString snapshot_line;
    if (parser.isSet(no_big_option)) {
        big.problem = QStringLiteral("skipped (--no-big)");
    } else if (create_disk_image(big_image, disk_bytes)) {
        out() << "  building the big world (types at the shell; minutes under TCG)\n" << Qt::flush;
        if (auto line = build_world(big_image, socket, image_count, big.problem)) {
            snapshot_line = *line;
            for (int run = 0; run < runs; ++run) {
                auto time = time_boot(big_image, resumed_line, big.problem);
                if (!time)
                    break;
                big.values.push_back(*time);
            }
        }
        out() << "  big world done (" << disk_usage(big_image) << ")\n" << Qt::flush;
    }

    Samples peer;
    QString script = parser.value(peer_option);
    if (script.isEmpty() || !QFileInfo(script).isExecutable()) {
        peer.problem = QStringLiteral("no peer script");
    } else {
        for (int run = 0; run < runs; ++run) {
            auto time = run_peer_once(script, peer.problem);
            if (!time)
                break;
            peer.values.push_back(*time);
        }
    }

    out() << "\n| boot | start -> first line, ms: median (min-max) |\n|---|---|\n";
    out() << "| Phantom, fresh world (blank 2 GiB disk) | " << fresh.summary() << " |\n";
    out() << "| Phantom, resumed world (small) | " << resumed.summary() << " |\n";
    out() << "| Phantom, resumed world (" << image_count << " x 64 MiB images in the heap) | "
          << big.summary() << " |\n";
    out() << "| Linux + busybox (peer), to user space | " << peer.summary() << " |\n";
    if (!snapshot_line.isEmpty())
        out() << "\nthe big world's snapshot: " << snapshot_line << "\n";
    out() << Qt::flush;
    return 0;
}
