// tests/system/DevicesTest.cpp: the pc port's block device and byte channels in QEMU.
// block: test=block_write writes a pattern to 65 pseudo-random blocks and a 16-block run on a
// virtio-blk disk, flushes and reads back; the image file must then hold the pattern (the
// flush reached the host), and a second boot on the same image (test=block_verify) reads it
// back. channels: 1 MiB sent into COM2 and into the virtio-console port org.phantom.ide
// through unix-socket chardevs comes back echoed byte for byte (test=echo_channels).
#include <tests/system/harness/SystemTest.h>

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace std::chrono_literals;
using namespace SystemTest;

namespace {

// The kernel's pattern (kernel/pc/devices/DeviceTests.cpp), reproduced to check the image.
constexpr quint64 pattern_seed = 0x5048'414E'544F'4D21ull;
constexpr int random_blocks = 64;
constexpr quint64 run_blocks = 16;
constexpr quint64 block_size = 4096;
constexpr quint64 disk_blocks = 16384; // 64 MiB

quint64 pattern_word(quint64 block, quint64 word)
{
    quint64 value = pattern_seed ^ (block * 0x9E37'79B9'7F4A'7C15ull) ^ (word * 0xC2B2'AE3D'27D4'EB4Full);
    value ^= value >> 29;
    return value * 0xBF58'476D'1CE4'E5B9ull;
}

QList<quint64> blocks_under_test()
{
    QList<quint64> blocks;
    quint64 state = pattern_seed;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int i = 0; i < random_blocks; ++i)
        blocks << next() % disk_blocks;
    blocks << disk_blocks - 1;
    quint64 run_start = next() % (disk_blocks - run_blocks);
    for (quint64 i = 0; i < run_blocks; ++i)
        blocks << run_start + i;
    return blocks;
}

MachineConfiguration machine_with(QString const& test, QStringList const& devices)
{
    MachineConfiguration configuration;
    configuration.kernel_path = kernel_path(KernelImage::Product);
    configuration.command_line = QStringLiteral("test=") + test;
    configuration.memory_mib = 512;
    configuration.extra_arguments = devices;
    return configuration;
}

int connect_with_retries(QByteArray const& path)
{
    for (int attempt = 0; attempt < 600; ++attempt) {
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

// Sends `data` and collects as many bytes back, on two threads; the socket gets a receive
// timeout so a lost byte ends in a short result instead of a hang.
QByteArray echo_through(int fd, QByteArray const& data)
{
    timeval timeout {120, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    std::thread sender([&] {
        qsizetype done = 0;
        while (done < data.size()) {
            ssize_t n = send(fd, data.constData() + done, size_t(data.size() - done), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            done += n;
        }
    });
    QByteArray received;
    char buffer[65536];
    while (received.size() < data.size()) {
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0)
            break;
        received.append(buffer, n);
    }
    sender.join();
    return received;
}

} // namespace

class DevicesTest : public QObject {
    Q_OBJECT
private slots:
    void block_pattern_survives_flush_and_reboot()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QString image = directory.filePath(QStringLiteral("disk.img"));
        QVERIFY(create_disk_image(image, qint64(disk_blocks * block_size)));
        QStringList devices = virtio_disk_arguments(image);

        {
            QemuMachine machine(machine_with(QStringLiteral("block_write"), devices));
            MACHINE_VERIFY(machine, machine.start());
            MACHINE_VERIFY(machine,
                machine.wait_for_serial(
                    QRegularExpression(R"(^phantom: pci 00:[0-9a-f]{2}\.0 1af4:10(01|42) virtio-blk)"),
                    120s));
            MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, 180s));
            MACHINE_VERIFY(machine,
                machine.wait_for_serial_text(QStringLiteral("phantom: test: wrote and flushed"), 5s));
        }

        // The flush reached the host: the image file holds the pattern.
        QFile file(image);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray contents = file.readAll();
        QCOMPARE(quint64(contents.size()), disk_blocks * block_size);
        for (quint64 block : blocks_under_test()) {
            auto const* words = reinterpret_cast<quint64 const*>(contents.constData() + block * block_size);
            for (quint64 word = 0; word < block_size / 8; ++word)
                QVERIFY2(words[word] == pattern_word(block, word),
                    qPrintable(QStringLiteral("block %1 word %2 of the image").arg(block).arg(word)));
        }

        QemuMachine second(machine_with(QStringLiteral("block_verify"), devices));
        MACHINE_VERIFY(second, second.start());
        MACHINE_VERIFY(second, second.expect_verdict(VerdictKind::Pass, 180s));
        MACHINE_VERIFY(second, second.wait_for_serial_text(QStringLiteral("read back after the reboot"), 5s));
    }

    void channels_echo_a_mebibyte()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QByteArray com2_path = directory.filePath(QStringLiteral("com2.sock")).toUtf8();
        QByteArray ide_path = directory.filePath(QStringLiteral("ide.sock")).toUtf8();
        QStringList devices {QStringLiteral("-chardev"),
            QStringLiteral("socket,id=com2,path=%1,server=on,wait=off").arg(QString::fromUtf8(com2_path)),
            QStringLiteral("-serial"), QStringLiteral("chardev:com2"), QStringLiteral("-device"),
            QStringLiteral("virtio-serial-pci"), QStringLiteral("-chardev"),
            QStringLiteral("socket,id=ide,path=%1,server=on,wait=off").arg(QString::fromUtf8(ide_path)),
            QStringLiteral("-device"), QStringLiteral("virtserialport,chardev=ide,name=org.phantom.ide")};
        QemuMachine machine(machine_with(QStringLiteral("echo_channels"), devices));
        MACHINE_VERIFY(machine, machine.start());
        MACHINE_VERIFY(machine,
            machine.wait_for_serial_text(QStringLiteral("virtio-console: port 1 \"org.phantom.ide\""), 120s));

        int com2 = connect_with_retries(com2_path);
        int ide = connect_with_retries(ide_path);
        MACHINE_CHECK(machine, com2 >= 0 && ide >= 0, "cannot connect to QEMU's chardev sockets");

        constexpr qsizetype total = 1 << 20;
        QByteArray com2_data(total, Qt::Uninitialized);
        QByteArray ide_data(total, Qt::Uninitialized);
        for (qsizetype i = 0; i < total; ++i) {
            com2_data[i] = char(QRandomGenerator::global()->generate());
            ide_data[i] = char(QRandomGenerator::global()->generate());
        }
        QByteArray com2_back;
        std::thread com2_thread([&] { com2_back = echo_through(com2, com2_data); });
        QByteArray ide_back = echo_through(ide, ide_data);
        com2_thread.join();
        close(com2);
        close(ide);

        MACHINE_CHECK(machine, ide_back.size() == total,
            qPrintable(
                QStringLiteral("virtio-console echoed %1 of %2 bytes").arg(ide_back.size()).arg(total)));
        MACHINE_CHECK(machine, ide_back == ide_data, "virtio-console echoed different bytes");
        MACHINE_CHECK(machine, com2_back.size() == total,
            qPrintable(QStringLiteral("COM2 echoed %1 of %2 bytes").arg(com2_back.size()).arg(total)));
        MACHINE_CHECK(machine, com2_back == com2_data, "COM2 echoed different bytes");
        MACHINE_VERIFY(machine, machine.expect_verdict(VerdictKind::Pass, 120s));
    }
};

QTEST_GUILESS_MAIN(DevicesTest)
#include "DevicesTest.moc"
