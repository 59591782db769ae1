// hal.devices: the hosted port's block device (kernel/hosted/FileBlockDevice.cpp) and
// unix-socket channels (kernel/hosted/UnixSocketChannel.cpp, HostedDevices.cpp): a pattern
// written to random blocks survives a flush and a reopen and sits in the file where it
// should; malformed requests are refused; a peer's bytes echo back through a channel, 1 MiB
// without loss; wait() honours its deadline; channels are found through the environment.
#include <kernel/hal/Block.h>
#include <kernel/hal/Channel.h>
#include <kernel/hal/Time.h>
#include <kernel/hosted/FileBlockDevice.h>
#include <kernel/hosted/UnixSocketChannel.h>

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr u64 disk_blocks = 2048;

u64 pattern_word(u64 block, u64 word, u64 seed)
{
    return (block << 32) ^ (word * 0x9E3779B97F4A7C15ull) ^ seed;
}

void fill(u8* buffer, u64 block, u64 seed)
{
    auto* words = reinterpret_cast<u64*>(buffer);
    for (u64 i = 0; i < Hal::block_size / 8; ++i)
        words[i] = pattern_word(block, i, seed);
}

bool matches(u8 const* buffer, u64 block, u64 seed)
{
    auto const* words = reinterpret_cast<u64 const*>(buffer);
    for (u64 i = 0; i < Hal::block_size / 8; ++i) {
        if (words[i] != pattern_word(block, i, seed))
            return false;
    }
    return true;
}

u64 now_nanoseconds() { return Hal::monotonic_nanoseconds(); }

int connect_to(QByteArray const& path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    memcpy(address.sun_path, path.constData(), size_t(path.size()) + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

} // namespace

class HalDevicesTest : public QObject {
    Q_OBJECT
private slots:
    void block_pattern_survives_flush_and_reopen()
    {
        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        QByteArray path = directory.filePath(QStringLiteral("disk.img")).toUtf8();
        StringView path_view(path.constData(), size_t(path.size()));
        u64 const seed = QRandomGenerator::global()->generate64();

        std::vector<u64> blocks;
        for (int i = 0; i < 100; ++i)
            blocks.push_back(QRandomGenerator::global()->bounded(quint64(disk_blocks)));
        blocks.push_back(disk_blocks - 1);
        std::sort(blocks.begin(), blocks.end());
        blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
        std::vector<u8> data(blocks.size() * Hal::block_size);
        {
            auto opened = Hosted::FileBlockDevice::open(path_view, disk_blocks);
            QVERIFY(!opened.is_error());
            auto& device = *opened.value();
            QCOMPARE(device.block_count(), disk_blocks);

            // All writes in flight at once, each with a completion.
            std::vector<Hal::BlockRequest> requests(blocks.size());
            std::atomic<int> completions {0};
            for (size_t i = 0; i < blocks.size(); ++i) {
                fill(&data[i * Hal::block_size], blocks[i], seed);
                requests[i].operation = Hal::BlockOperation::Write;
                requests[i].block = blocks[i];
                requests[i].buffer = &data[i * Hal::block_size];
                requests[i].context = &completions;
                requests[i].completion = [](Hal::BlockRequest& request) {
                    static_cast<std::atomic<int>*>(request.context)->fetch_add(1);
                };
                QVERIFY(!device.submit(requests[i]).is_error());
            }
            for (auto& request : requests)
                QVERIFY(!device.wait(request).is_error());
            QCOMPARE(completions.load(), int(blocks.size()));
            QVERIFY(!device.transfer(Hal::BlockOperation::Flush, 0, 0, nullptr).is_error());

            // Malformed requests are refused at submit().
            std::vector<u8> scratch(2 * Hal::block_size);
            Hal::BlockRequest bad;
            bad.buffer = scratch.data();
            bad.block = disk_blocks;
            auto past_end = device.submit(bad);
            QVERIFY(past_end.is_error() && past_end.error().code() == ErrorCode::OutOfRange);
            bad.block = disk_blocks - 1;
            bad.block_count = 2;
            auto straddling = device.submit(bad);
            QVERIFY(straddling.is_error() && straddling.error().code() == ErrorCode::OutOfRange);
            bad.block = 0;
            bad.block_count = 1;
            bad.buffer = nullptr;
            auto no_buffer = device.submit(bad);
            QVERIFY(no_buffer.is_error() && no_buffer.error().code() == ErrorCode::InvalidArgument);
        }

        // The file itself holds the pattern where the HAL put it.
        QFile file(QString::fromUtf8(path));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.size(), qint64(disk_blocks * Hal::block_size));
        QByteArray contents = file.readAll();
        for (u64 block : blocks)
            QVERIFY2(matches(reinterpret_cast<u8 const*>(contents.constData()) + block * Hal::block_size,
                         block, seed),
                qPrintable(QStringLiteral("block %1 in the file").arg(block)));

        // Reopened: reads (several blocks per request) see the same.
        auto reopened = Hosted::FileBlockDevice::open(path_view);
        QVERIFY(!reopened.is_error());
        auto& device = *reopened.value();
        QCOMPARE(device.block_count(), disk_blocks);
        std::vector<u8> readback(Hal::block_size);
        for (u64 block : blocks) {
            std::fill(readback.begin(), readback.end(), u8(0xEE));
            QVERIFY(!device.transfer(Hal::BlockOperation::Read, block, 1, readback.data()).is_error());
            QVERIFY2(
                matches(readback.data(), block, seed), qPrintable(QStringLiteral("block %1").arg(block)));
        }
        std::vector<u8> run(8 * Hal::block_size);
        QVERIFY(!device.transfer(Hal::BlockOperation::Read, disk_blocks - 8, 8, run.data()).is_error());
        QVERIFY(matches(&run[7 * Hal::block_size], disk_blocks - 1, seed));
    }

    void channel_echoes_a_mebibyte()
    {
        QTemporaryDir directory;
        QByteArray path = directory.filePath(QStringLiteral("ide.sock")).toUtf8();
        auto listened = Hosted::UnixSocketChannel::listen(
            "org.phantom.ide"sv, StringView(path.constData(), size_t(path.size())));
        QVERIFY(!listened.is_error());
        auto& channel = *listened.value();
        QCOMPARE(channel.name(), "org.phantom.ide"sv);

        // Nothing to read yet, and wait() gives up at its deadline.
        u8 probe[16];
        QCOMPARE(channel.read(Bytes(probe, sizeof(probe))).value(), usize(0));
        QVERIFY(!channel.wait(Hal::ChannelCondition::Readable, now_nanoseconds() + 20'000'000));

        constexpr size_t total = 1 << 20;
        QByteArray sent(total, Qt::Uninitialized);
        for (size_t i = 0; i < total; ++i)
            sent[qsizetype(i)] = char(QRandomGenerator::global()->generate());

        // The peer: one thread sends, one receives, through blocking sockets.
        int fd = connect_to(path);
        QVERIFY(fd >= 0);
        QByteArray received;
        std::thread sender([&] {
            size_t done = 0;
            while (done < total) {
                ssize_t n = send(fd, sent.constData() + done, total - done, MSG_NOSIGNAL);
                if (n <= 0)
                    return;
                done += size_t(n);
            }
        });
        std::thread receiver([&] {
            char buffer[65536];
            while (size_t(received.size()) < total) {
                ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
                if (n <= 0)
                    return;
                received.append(buffer, n);
            }
        });

        // The echo loop, as a Phantom program would write it.
        u8 carry[4096];
        size_t carried = 0;
        size_t echoed = 0;
        u64 const give_up = now_nanoseconds() + 120'000'000'000ull;
        while (echoed < total && now_nanoseconds() < give_up) {
            if (carried == 0) {
                if (!channel.wait(Hal::ChannelCondition::Readable, now_nanoseconds() + 1'000'000'000ull))
                    continue;
                carried = channel.read(Bytes(carry, sizeof(carry))).value();
            }
            if (carried > 0) {
                channel.wait(Hal::ChannelCondition::Writable, Hal::no_deadline);
                usize taken = channel.write(ReadonlyBytes(carry, carried)).value();
                memmove(carry, carry + taken, carried - taken);
                carried -= taken;
                echoed += taken;
            }
        }
        while (channel.pending_output() > 0 && now_nanoseconds() < give_up)
            channel.wait(Hal::ChannelCondition::Writable, now_nanoseconds() + 10'000'000);
        sender.join();
        receiver.join();
        close(fd);
        QCOMPARE(echoed, total);
        QCOMPARE(size_t(received.size()), total);
        QVERIFY(received == sent);
    }

    void channels_come_from_the_environment()
    {
        QTemporaryDir directory;
        QByteArray path = directory.filePath(QStringLiteral("com2.sock")).toUtf8();
        qputenv("PHANTOM_CHANNEL_COM2", path);
        auto channel = Hal::open_channel("com2"sv);
        QVERIFY(!channel.is_error());
        QCOMPARE(channel.value()->name(), "com2"sv);
        auto again = Hal::open_channel("com2"sv);
        QVERIFY(!again.is_error() && again.value() == channel.value());
        QVERIFY(Hal::open_channel("no.such.channel"sv).is_error());
        auto log = Hal::open_channel("log"sv);
        QVERIFY(!log.is_error());
        QVERIFY(log.value()->wait(Hal::ChannelCondition::Writable, 0));

        int fd = connect_to(path);
        QVERIFY(fd >= 0);
        QCOMPARE(send(fd, "ping", 4, 0), ssize_t(4));
        QVERIFY(
            channel.value()->wait(Hal::ChannelCondition::Readable, now_nanoseconds() + 30'000'000'000ull));
        u8 buffer[8];
        usize got = 0;
        while (got < 4
            && channel.value()->wait(Hal::ChannelCondition::Readable, now_nanoseconds() + 30'000'000'000ull))
            got += channel.value()->read(Bytes(buffer + got, sizeof(buffer) - got)).value();
        QCOMPARE(QByteArray(reinterpret_cast<char*>(buffer), int(got)), QByteArray("ping"));
        close(fd);
    }
};

QTEST_GUILESS_MAIN(HalDevicesTest)
#include "HalDevicesTest.moc"
