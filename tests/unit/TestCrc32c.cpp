/*
 * tests/unit/TestCrc32c.cpp: CRC-32C known answers (including the iSCSI vectors of
 * RFC 3720 B.4), incremental == one-shot at every split point and alignment, and agreement
 * with a bit-at-a-time reference on random data.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/Crc32c.h>
#include <base/StringView.h>
#include <random>
#include <vector>

namespace {

// The textbook definition, one bit at a time: slow and obviously right.
u32 reference_crc32c(u8 const* data, usize size)
{
    u32 crc = 0xFFFFFFFF;
    for (usize i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0x82F63B78 & (0u - (crc & 1)));
    }
    return ~crc;
}

std::vector<u8> random_bytes(usize size, unsigned seed)
{
    std::mt19937 random(seed);
    std::vector<u8> bytes(size);
    for (auto& byte : bytes)
        byte = static_cast<u8>(random());
    return bytes;
}

} // namespace

class Crc32cTest : public QObject {
    Q_OBJECT

private slots:
    void known_answers()
    {
        QCOMPARE(crc32c("123456789"sv.bytes()), 0xE3069283u);
        QCOMPARE(crc32c(ReadonlyBytes()), 0u);
        QCOMPARE(crc32c("a"sv.bytes()), 0xC1D04330u);
        QCOMPARE(crc32c("The quick brown fox jumps over the lazy dog"sv.bytes()), 0x22620404u);
    }

    void iscsi_test_vectors()
    {
        u8 buffer[32];
        for (auto& byte : buffer)
            byte = 0x00;
        QCOMPARE(crc32c(ReadonlyBytes(buffer)), 0x8A9136AAu);
        for (auto& byte : buffer)
            byte = 0xFF;
        QCOMPARE(crc32c(ReadonlyBytes(buffer)), 0x62A8AB43u);
        for (int i = 0; i < 32; ++i)
            buffer[i] = static_cast<u8>(i);
        QCOMPARE(crc32c(ReadonlyBytes(buffer)), 0x46DD794Eu);
        for (int i = 0; i < 32; ++i)
            buffer[i] = static_cast<u8>(31 - i);
        QCOMPARE(crc32c(ReadonlyBytes(buffer)), 0x113FDB5Cu);
    }

    void incremental_equals_one_shot_at_every_split()
    {
        auto data = random_bytes(300, 1);
        u32 whole = crc32c(ReadonlyBytes(data.data(), data.size()));
        QCOMPARE(whole, reference_crc32c(data.data(), data.size()));
        for (usize split = 0; split <= data.size(); ++split) {
            Crc32c running;
            running.update(ReadonlyBytes(data.data(), split));
            running.update(ReadonlyBytes(data.data() + split, data.size() - split));
            QCOMPARE(running.digest(), whole);
            u32 continued = crc32c(ReadonlyBytes(data.data() + split, data.size() - split),
                crc32c(ReadonlyBytes(data.data(), split)));
            QCOMPARE(continued, whole);
        }
    }

    void many_small_updates()
    {
        auto data = random_bytes(1000, 2);
        Crc32c running;
        usize offset = 0;
        usize step = 1;
        while (offset < data.size()) {
            usize count = std::min(step, data.size() - offset);
            running.update(ReadonlyBytes(data.data() + offset, count));
            offset += count;
            step = step % 13 + 1;
        }
        QCOMPARE(running.digest(), reference_crc32c(data.data(), data.size()));
    }

    void every_alignment_and_length_matches_the_reference()
    {
        auto data = random_bytes(4096 + 16, 3);
        for (usize start = 0; start < 16; ++start) {
            for (usize length : {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 1000, 4096}) {
                u32 fast = crc32c(ReadonlyBytes(data.data() + start, length));
                QCOMPARE(fast, reference_crc32c(data.data() + start, length));
            }
        }
    }

    void detects_single_bit_flips()
    {
        auto data = random_bytes(4096, 4);
        u32 original = crc32c(ReadonlyBytes(data.data(), data.size()));
        for (usize bit = 0; bit < data.size() * 8; bit += 997) {
            data[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
            QVERIFY(crc32c(ReadonlyBytes(data.data(), data.size())) != original);
            data[bit / 8] ^= static_cast<u8>(1u << (bit % 8));
        }
        QCOMPARE(crc32c(ReadonlyBytes(data.data(), data.size())), original);
    }
};

PHANTOM_BASE_TEST(Crc32cTest, "crc32c");
#include "TestCrc32c.moc"
