/*
 * tests/persist/DiskToolTest.cpp: the host tool phantom-disk, run as a process on images
 * written by Persist::PersistentStore over the hosted FileBlockDevice (the kernel's writer):
 * info and generations show what was committed, check passes on a healthy image and fails
 * naming the damage after one bit is flipped in a data page, a page-map node or a
 * superblock, diff lists exactly the pages that changed, and bad input is refused clearly.
 * PHANTOM_DISK_TOOL is the path of the tool (set by CMakeLists.txt).
 */
#include <kernel/hosted/FileBlockDevice.h>
#include <kernel/persist/PersistentStore.h>

#include <tests/common/ProcessRun.h>

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <vector>

using namespace Persist;

namespace {

using ToolRun = TestSupport::ProcessRun;

ToolRun run_tool(QStringList const& arguments)
{
    return TestSupport::run_process(QStringLiteral(PHANTOM_DISK_TOOL), arguments);
}

// The content of page `index` as written by snapshot `version`: unique per (index, version).
std::vector<u8> page_content(u64 index, u64 version)
{
    std::vector<u8> page(disk_block_size);
    for (usize i = 0; i < page.size(); ++i)
        page[i] = static_cast<u8>(index * 31 + version * 7 + i);
    std::snprintf(reinterpret_cast<char*>(page.data()), 64, "page %llu version %llu",
        static_cast<unsigned long long>(index), static_cast<unsigned long long>(version));
    return page;
}

// Generation 1: pages 0..4. Generation 2: pages 1 and 3 changed, page 7 added.
// Generation 3: page 0 removed, page 4 changed.
bool write_world(QString const& path)
{
    QByteArray name = path.toUtf8();
    auto device = Hosted::FileBlockDevice::open(StringView(name.constData(), name.size()), 512);
    if (device.is_error() || PersistentStore::format(*device.value()).is_error())
        return false;
    auto store = PersistentStore::open(*device.value());
    if (store.is_error())
        return false;
    auto commit = [&](std::vector<std::pair<u64, int>> const& changes, u64 wall_time_seconds) {
        std::vector<std::vector<u8>> contents;
        std::vector<DirtyPage> pages;
        contents.reserve(changes.size());
        for (auto [index, version] : changes) {
            if (version < 0) {
                pages.push_back({index, nullptr});
                continue;
            }
            contents.push_back(page_content(index, static_cast<u64>(version)));
            pages.push_back({index, contents.back().data()});
        }
        SnapshotOptions options {wall_time_seconds * 1'000'000'000ull, 250'000};
        return !store.value()
                    ->commit_snapshot(Span<DirtyPage const>(pages.data(), pages.size()), options)
                    .is_error();
    };
    return commit({{0, 1}, {1, 1}, {2, 1}, {3, 1}, {4, 1}}, 1'700'000'000)
        && commit({{1, 2}, {3, 2}, {7, 2}}, 1'700'000'060) && commit({{0, -1}, {4, 3}}, 1'700'000'120);
}

QByteArray read_image(QString const& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

void write_image(QString const& path, QByteArray const& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

// The block holding exactly `content`, or -1.
qsizetype find_block(QByteArray const& image, std::vector<u8> const& content)
{
    for (qsizetype offset = 0; offset + qsizetype(disk_block_size) <= image.size();
         offset += disk_block_size) {
        if (std::memcmp(image.constData() + offset, content.data(), disk_block_size) == 0)
            return offset / qsizetype(disk_block_size);
    }
    return -1;
}

} // namespace

class DiskToolTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_directory;
    QString m_image;

    // A fresh copy of the three-generation world, for tests that damage it.
    QString fresh_copy(QString const& name)
    {
        QString path = m_directory.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(m_image, path))
            return {};
        return path;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_directory.isValid());
        m_image = m_directory.filePath(QStringLiteral("world.img"));
        QVERIFY(write_world(m_image));
    }

    void infoShowsTheWorld()
    {
        auto run = run_tool({QStringLiteral("info"), m_image});
        QCOMPARE(run.exit_code, 0);
        QVERIFY2(run.out.contains(QStringLiteral("format version:     1")), qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("disk size:          2097152 bytes (512 blocks of 4096)")));
        QVERIFY(run.out.contains(QStringLiteral("kept generations:   8 (K)")));
        QVERIFY(run.out.contains(QStringLiteral("boot generation:    3 (5 pages)")));
        QVERIFY(run.out.contains(QStringLiteral("damaged generations: none")));
        QVERIFY(run.out.contains(QStringLiteral("free blocks:")));
    }

    void generationsTable()
    {
        auto run = run_tool({QStringLiteral("generations"), m_image});
        QCOMPARE(run.exit_code, 0);
        auto lines = run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5); // header + generations 3, 2, 1, 0
        auto columns = [&](int line) { return lines[line].simplified().split(QLatin1Char(' ')); };
        // generation [(boot)] date time written pages pause unit; removing page 0 writes no data.
        QCOMPARE(columns(1), (QStringList {"3", "(boot)", "2023-11-14", "22:15:20", "1", "5", "250", "us"}));
        QCOMPARE(columns(2), (QStringList {"2", "2023-11-14", "22:14:20", "3", "6", "250", "us"}));
        QCOMPARE(columns(3), (QStringList {"1", "2023-11-14", "22:13:20", "5", "5", "250", "us"}));
        QCOMPARE(columns(4).first(), QStringLiteral("0"));
    }

    void checkPassesOnAHealthyImage()
    {
        QByteArray before = QCryptographicHash::hash(read_image(m_image), QCryptographicHash::Sha256);
        auto run = run_tool({QStringLiteral("check"), m_image});
        QCOMPARE(run.exit_code, 0);
        QVERIFY2(run.out.contains(QStringLiteral(": ok")), qPrintable(run.out));
        QVERIFY(!run.out.contains(QStringLiteral("DAMAGED")));
        for (int generation = 0; generation <= 3; ++generation)
            QVERIFY(run.out.contains(QStringLiteral("generation %1: ok").arg(generation)));
        // Inspection never writes.
        QVERIFY(run_tool({QStringLiteral("info"), m_image}).exit_code == 0);
        QVERIFY(run_tool({QStringLiteral("generations"), m_image}).exit_code == 0);
        QVERIFY(run_tool({QStringLiteral("diff"), m_image, "1", "3"}).exit_code == 0);
        QCOMPARE(QCryptographicHash::hash(read_image(m_image), QCryptographicHash::Sha256), before);
    }

    void checkFindsAFlippedBitInADataPage()
    {
        QString path = fresh_copy(QStringLiteral("data.img"));
        QByteArray image = read_image(path);
        // Page 2 was written once, by generation 1, and is shared by generations 1..3.
        qsizetype block = find_block(image, page_content(2, 1));
        QVERIFY(block >= 2);
        image[block * qsizetype(disk_block_size) + 1000] ^= 0x10;
        write_image(path, image);
        auto run = run_tool({QStringLiteral("check"), path});
        QCOMPARE(run.exit_code, 1);
        for (int generation = 1; generation <= 3; ++generation)
            QVERIFY2(run.out.contains(QStringLiteral("generation %1: DAMAGED").arg(generation)),
                qPrintable(run.out));
        QVERIFY(run.out.contains(QStringLiteral("generation 0: ok")));
        QVERIFY(run.out.contains(QStringLiteral("checksum")));
        QVERIFY2(run.err.contains(QStringLiteral("data page at block %1 failed its checksum").arg(block)),
            qPrintable(run.err));
    }

    void checkFindsAFlippedBitInAPageMapNode()
    {
        QString path = fresh_copy(QStringLiteral("node.img"));
        QByteArray image = read_image(path);
        // Every page-map node starts with the magic "NODE"; damage the last one written.
        qsizetype node = -1;
        for (qsizetype block = 2; block < image.size() / qsizetype(disk_block_size); ++block) {
            u32 magic;
            std::memcpy(&magic, image.constData() + block * disk_block_size, 4);
            if (magic == node_magic)
                node = block;
        }
        QVERIFY(node >= 2);
        image[node * qsizetype(disk_block_size) + 20] ^= 0x01;
        write_image(path, image);
        auto run = run_tool({QStringLiteral("check"), path});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.out.contains(QStringLiteral("DAMAGED: its page map failed its checksum")),
            qPrintable(run.out));
        QVERIFY(run.err.contains(QStringLiteral("page-map node at block %1").arg(node)));
        auto info = run_tool({QStringLiteral("info"), path});
        QCOMPARE(info.exit_code, 0);
        QVERIFY(!info.out.contains(QStringLiteral("damaged generations: none")));
    }

    void checkFindsAFlippedBitInASuperblock()
    {
        for (int slot = 0; slot < 2; ++slot) {
            QString path = fresh_copy(QStringLiteral("super%1.img").arg(slot));
            QByteArray image = read_image(path);
            image[slot * qsizetype(disk_block_size) + 70] ^= 0x04; // inside record 0
            write_image(path, image);
            auto run = run_tool({QStringLiteral("check"), path});
            QCOMPARE(run.exit_code, 1);
            QString damaged = QStringLiteral("superblock %1: DAMAGED").arg(slot == 0 ? "A" : "B");
            QVERIFY2(run.out.contains(damaged), qPrintable(run.out));
            QString healthy = QStringLiteral("superblock %1: ok").arg(slot == 0 ? "B" : "A");
            QVERIFY(run.out.contains(healthy));
        }
        // Both superblocks damaged: nothing can be trusted.
        QString path = fresh_copy(QStringLiteral("super-both.img"));
        QByteArray image = read_image(path);
        image[70] ^= 0x04;
        image[disk_block_size + 70] ^= 0x04;
        write_image(path, image);
        auto run = run_tool({QStringLiteral("check"), path});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.err.contains(QStringLiteral("Both superblocks")), qPrintable(run.err));
    }

    void diffListsExactlyTheChangedPages()
    {
        auto run = run_tool({QStringLiteral("diff"), m_image, "1", "2"});
        QCOMPARE(run.exit_code, 0);
        QCOMPARE(run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts),
            (QStringList {
                "changed 1", "changed 3", "added 7", "diff 1 -> 2: 2 changed, 1 added, 0 removed"}));
        run = run_tool({QStringLiteral("diff"), m_image, "2", "3"});
        QCOMPARE(run.exit_code, 0);
        QCOMPARE(run.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts),
            (QStringList {"removed 0", "changed 4", "diff 2 -> 3: 1 changed, 0 added, 1 removed"}));
        run = run_tool({QStringLiteral("diff"), m_image, "3", "3"});
        QCOMPARE(run.out.trimmed(), QStringLiteral("diff 3 -> 3: 0 changed, 0 added, 0 removed"));
        run = run_tool({QStringLiteral("diff"), m_image, "0", "1"});
        QVERIFY(run.out.contains(QStringLiteral("diff 0 -> 1: 0 changed, 5 added, 0 removed")));
    }

    void formatCreatesAnImage()
    {
        QString path = m_directory.filePath(QStringLiteral("formatted.img"));
        auto run = run_tool({QStringLiteral("format"), path, "--size", "1M", "--keep", "3"});
        QCOMPARE(run.exit_code, 0);
        QCOMPARE(QFileInfo(path).size(), 1024 * 1024);
        auto info = run_tool({QStringLiteral("info"), path});
        QCOMPARE(info.exit_code, 0);
        QVERIFY(info.out.contains(QStringLiteral("kept generations:   3 (K)")));
        QVERIFY(info.out.contains(QStringLiteral("boot generation:    0 (0 pages)")));
        QCOMPARE(run_tool({QStringLiteral("check"), path}).exit_code, 0);
        QCOMPARE(run_tool({QStringLiteral("format"), path, "--size", "1000"}).exit_code, 2);
        QCOMPARE(run_tool({QStringLiteral("format"), path, "--keep", "65"}).exit_code, 2);
    }

    void badInputIsRefusedClearly()
    {
        QString zeros = m_directory.filePath(QStringLiteral("zeros.img"));
        write_image(zeros, QByteArray(8 * disk_block_size, '\0'));
        auto run = run_tool({QStringLiteral("check"), zeros});
        QCOMPARE(run.exit_code, 2);
        QVERIFY2(run.err.contains(QStringLiteral("is not a Phantom disk")), qPrintable(run.err));

        QString text = m_directory.filePath(QStringLiteral("notes.txt"));
        write_image(text, QByteArray("hello\n"));
        run = run_tool({QStringLiteral("info"), text});
        QCOMPARE(run.exit_code, 2);
        QVERIFY(run.err.contains(QStringLiteral("is not a Phantom disk")));

        run = run_tool({QStringLiteral("info"), m_directory.filePath(QStringLiteral("missing.img"))});
        QCOMPARE(run.exit_code, 2);
        QVERIFY(run.err.contains(QStringLiteral("no such file")));
        QVERIFY(!QFile::exists(m_directory.filePath(QStringLiteral("missing.img"))));

        run = run_tool({QStringLiteral("diff"), m_image, "1", "9"});
        QCOMPARE(run.exit_code, 2);
        QVERIFY(run.err.contains(QStringLiteral("generation 9 is not kept")));

        run = run_tool({QStringLiteral("frobnicate"), m_image});
        QCOMPARE(run.exit_code, 2);
        QVERIFY(run.err.contains(QStringLiteral("usage:")));
        QCOMPARE(run_tool({}).exit_code, 2);
        QCOMPARE(run_tool({QStringLiteral("diff"), m_image, "1", "x"}).exit_code, 2);
    }
};

QTEST_GUILESS_MAIN(DiskToolTest)
#include "DiskToolTest.moc"
