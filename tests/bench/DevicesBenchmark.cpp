// phantom-bench-devices: throughput of the pc port's devices under QEMU, next to the host.
//   block     virtio-blk sequential write (the kernel's own timing, test=bench_block_write:
//             maximal requests, 8 in flight, then FLUSH) vs `dd` writing the same bytes to a
//             file on the same file system: QEMU's default cache (writeback; FLUSH becomes
//             fdatasync) vs `dd conv=fdatasync`, and cache=none (O_DIRECT) vs `dd oflag=direct`
//   channels  bytes sent by the kernel to the host (test=bench_channel_send) through COM2
//             (16550, interrupt-driven) and through the virtio-console port
//             org.phantom.ide, both over unix-socket chardevs, timed by the host from its
//             "go" byte to the last byte received
// Prints a table of medians over --runs runs; never passes or fails on a number.
#include <tests/system/harness/Environment.h>
#include <tests/system/harness/QemuMachine.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <sys/socket.h>
#include <sys/un.h>
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

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

MachineConfiguration machine_with(QString const& command_line, QStringList const& devices)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = command_line;
    configuration.memory_mib = 512;
    configuration.extra_arguments = devices;
    return configuration;
}

// MB/s (10^6 bytes per second) of the kernel's write + flush, or nothing on failure.
std::optional<double> virtio_block_write(
    QString const& image, QString const& cache, int mebibytes, QString& note)
{
    QStringList devices = virtio_disk_arguments(image, QStringLiteral("cache=%1").arg(cache));
    QemuMachine machine(
        machine_with(QStringLiteral("test=bench_block_write bench_mib=%1").arg(mebibytes), devices));
    if (!machine.start()) {
        note = machine.failure().section(QLatin1Char('\n'), 0, 0);
        return {};
    }
    auto line = machine.wait_for_serial(
        QRegularExpression(R"(^phantom: bench: block write (\d+) bytes in (\d+) us, flush (\d+) us)"), 600s);
    if (!line || !machine.expect_verdict(VerdictKind::Pass, 60s)) {
        note = machine.failure().section(QLatin1Char('\n'), 0, 0);
        return {};
    }
    double bytes = line->match.captured(1).toDouble();
    double microseconds = line->match.captured(2).toDouble() + line->match.captured(3).toDouble();
    return bytes / microseconds;
}

// MB/s of `dd` writing the same amount with `flag` (e.g. conv=fdatasync).
std::optional<double> dd_write(QString const& path, int mebibytes, QString const& flag)
{
    QFile::remove(path);
    QProcess dd;
    QElapsedTimer timer;
    timer.start();
    dd.start(QStringLiteral("dd"),
        {QStringLiteral("if=/dev/zero"), QStringLiteral("of=") + path, QStringLiteral("bs=128K"),
            QStringLiteral("count=%1").arg(mebibytes * 8), flag});
    if (!dd.waitForFinished(600'000) || dd.exitCode() != 0)
        return {};
    double seconds = double(timer.nsecsElapsed()) / 1e9;
    QFile::remove(path);
    return double(mebibytes) * 1048576.0 / seconds / 1e6;
}

int connect_with_retries(QByteArray const& path)
{
    for (int attempt = 0; attempt < 1200; ++attempt) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        memcpy(address.sun_path, path.constData(), size_t(path.size()) + 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0)
            return fd;
        close(fd);
        std::this_thread::sleep_for(50ms);
    }
    return -1;
}

struct ChannelResult {
    double host_mb_per_second {0};
    double kernel_mb_per_second {0};
};

// Boots with `devices`, has the kernel send `bytes` on `channel`, times the reception.
std::optional<ChannelResult> channel_send(QString const& channel, QByteArray const& socket_path,
    QStringList const& devices, qint64 bytes, QString& note)
{
    QemuMachine machine(machine_with(
        QStringLiteral("test=bench_channel_send channel=%1 bench_bytes=%2").arg(channel).arg(bytes),
        devices));
    if (!machine.start() || !machine.wait_for_serial_text(QStringLiteral("waiting for the host"), 120s)) {
        note = machine.failure().section(QLatin1Char('\n'), 0, 0);
        return {};
    }
    int fd = connect_with_retries(socket_path);
    if (fd < 0) {
        note = QStringLiteral("cannot connect to the chardev socket");
        return {};
    }
    timeval timeout {120, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    QElapsedTimer timer;
    timer.start();
    (void)send(fd, "g", 1, MSG_NOSIGNAL);
    qint64 received = 0;
    char buffer[65536];
    while (received < bytes) {
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0)
            break;
        received += n;
    }
    double seconds = double(timer.nsecsElapsed()) / 1e9;
    (void)send(fd, "d", 1, MSG_NOSIGNAL);
    close(fd);
    auto line = machine.wait_for_serial(
        QRegularExpression(R"(^phantom: bench: \S+ sent (\d+) bytes in (\d+) us)"), 60s);
    bool passed = machine.expect_verdict(VerdictKind::Pass, 60s);
    if (received < bytes || !line || !passed) {
        note = received < bytes ? QStringLiteral("received %1 of %2 bytes").arg(received).arg(bytes)
                                : machine.failure().section(QLatin1Char('\n'), 0, 0);
        return {};
    }
    ChannelResult result;
    result.host_mb_per_second = double(bytes) / seconds / 1e6;
    result.kernel_mb_per_second = line->match.captured(1).toDouble() / line->match.captured(2).toDouble();
    return result;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Phantom device throughput: virtio-blk vs dd, COM2 vs virtio-console"));
    parser.addHelpOption();
    QCommandLineOption runs_option(QStringLiteral("runs"),
        QStringLiteral("Measured runs per row (default 3)."), QStringLiteral("count"), QStringLiteral("3"));
    QCommandLineOption size_option(QStringLiteral("mib"),
        QStringLiteral("MiB written in the block rows (default 64)."), QStringLiteral("mebibytes"),
        QStringLiteral("64"));
    parser.addOptions({runs_option, size_option});
    parser.process(application);
    int const runs = std::max(1, parser.value(runs_option).toInt());
    int const mebibytes = std::max(1, parser.value(size_option).toInt());

    QTemporaryDir directory;
    QFile load(QStringLiteral("/proc/loadavg"));
    QString load_average = load.open(QIODevice::ReadOnly)
        ? QString::fromUtf8(load.readAll()).section(QLatin1Char(' '), 0, 2)
        : QStringLiteral("?");
    out() << "Phantom device benchmark: " << runs << " run(s) per row, medians; TCG; host "
          << QSysInfo::prettyProductName() << ", load " << load_average << "\n\n";

    // --- Block ---
    QString image = directory.filePath(QStringLiteral("bench.img"));
    {
        QFile file(image);
        if (!file.open(QIODevice::WriteOnly) || !file.resize(qint64(mebibytes + 16) << 20)) {
            out() << "cannot create " << image << "\n";
            return 1;
        }
    }
    QString dd_file = directory.filePath(QStringLiteral("dd.out"));
    struct BlockRow {
        QString cache;
        QString dd_flag;
    };
    out() << QStringLiteral("%1  %2  %3  %4\n")
                 .arg(QStringLiteral("sequential write, %1 MiB").arg(mebibytes), -44)
                 .arg(QStringLiteral("virtio-blk MB/s"), 16)
                 .arg(QStringLiteral("dd MB/s"), 10)
                 .arg(QStringLiteral("ratio"), 6);
    for (auto const& row : {BlockRow {QStringLiteral("writeback"), QStringLiteral("conv=fdatasync")},
             BlockRow {QStringLiteral("none"), QStringLiteral("oflag=direct")}}) {
        std::vector<double> guest, host;
        QString note;
        for (int run = 0; run < runs; ++run) {
            if (auto value = virtio_block_write(image, row.cache, mebibytes, note))
                guest.push_back(*value);
            if (auto value = dd_write(dd_file, mebibytes, row.dd_flag))
                host.push_back(*value);
        }
        double guest_median = median(guest);
        double host_median = median(host);
        out() << QStringLiteral("%1  %2  %3  %4%5\n")
                     .arg(QStringLiteral("cache=%1 + FLUSH vs dd %2").arg(row.cache, row.dd_flag), -44)
                     .arg(
                         guest.empty() ? QStringLiteral("failed") : QString::number(guest_median, 'f', 1), 16)
                     .arg(host.empty() ? QStringLiteral("failed") : QString::number(host_median, 'f', 1), 10)
                     .arg(guest.empty() || host.empty() ? QStringLiteral("-")
                                                        : QString::number(guest_median / host_median, 'f', 2),
                         6)
                     .arg(note.isEmpty() ? QString() : QStringLiteral("  (") + note + QStringLiteral(")"));
        out().flush();
    }

    // --- Channels ---
    QByteArray com2_path = directory.filePath(QStringLiteral("com2.sock")).toUtf8();
    QByteArray ide_path = directory.filePath(QStringLiteral("ide.sock")).toUtf8();
    QStringList com2_devices {QStringLiteral("-chardev"),
        QStringLiteral("socket,id=com2,path=%1,server=on,wait=off").arg(QString::fromUtf8(com2_path)),
        QStringLiteral("-serial"), QStringLiteral("chardev:com2")};
    QStringList ide_devices {QStringLiteral("-device"), QStringLiteral("virtio-serial-pci"),
        QStringLiteral("-chardev"),
        QStringLiteral("socket,id=ide,path=%1,server=on,wait=off").arg(QString::fromUtf8(ide_path)),
        QStringLiteral("-device"), QStringLiteral("virtserialport,chardev=ide,name=org.phantom.ide")};
    struct ChannelRow {
        QString label;
        QString channel;
        QByteArray path;
        QStringList devices;
        qint64 bytes;
    };
    std::vector<ChannelRow> rows {
        {QStringLiteral("COM2 (16550, IRQ 3), 1 MiB"), QStringLiteral("com2"), com2_path, com2_devices,
            1 << 20},
        {QStringLiteral("virtio-console org.phantom.ide, 1 MiB"), QStringLiteral("org.phantom.ide"), ide_path,
            ide_devices, 1 << 20},
        {QStringLiteral("virtio-console org.phantom.ide, 16 MiB"), QStringLiteral("org.phantom.ide"),
            ide_path, ide_devices, 16 << 20},
    };
    out() << "\n"
          << QStringLiteral("%1  %2  %3\n")
                 .arg(QStringLiteral("guest -> host channel"), -44)
                 .arg(QStringLiteral("host MB/s"), 16)
                 .arg(QStringLiteral("kernel MB/s"), 12);
    double com2_rate = 0;
    double best_virtio_rate = 0;
    for (auto const& row : rows) {
        std::vector<double> host, kernel;
        QString note;
        for (int run = 0; run < runs; ++run) {
            if (auto result = channel_send(row.channel, row.path, row.devices, row.bytes, note)) {
                host.push_back(result->host_mb_per_second);
                kernel.push_back(result->kernel_mb_per_second);
            }
        }
        double host_median = median(host);
        if (row.channel == QStringLiteral("com2"))
            com2_rate = host_median;
        else
            best_virtio_rate = std::max(best_virtio_rate, host_median);
        out() << QStringLiteral("%1  %2  %3%4\n")
                     .arg(row.label, -44)
                     .arg(host.empty() ? QStringLiteral("failed") : QString::number(host_median, 'f', 3), 16)
                     .arg(kernel.empty() ? QStringLiteral("failed") : QString::number(median(kernel), 'f', 3),
                         12)
                     .arg(note.isEmpty() ? QString() : QStringLiteral("  (") + note + QStringLiteral(")"));
        out().flush();
    }
    if (com2_rate > 0 && best_virtio_rate > 0)
        out() << "\nvirtio-console / COM2: " << QString::number(best_virtio_rate / com2_rate, 'f', 1)
              << "x (the issue expects >= 25x)\n";
    return 0;
}
