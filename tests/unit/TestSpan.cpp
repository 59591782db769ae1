/*
 * tests/unit/TestSpan.cpp: Span, Bytes and ReadonlyBytes.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/Span.h>

class SpanTest : public QObject {
    Q_OBJECT

private slots:
    void views_an_array()
    {
        int values[] = {1, 2, 3, 4, 5};
        Span<int> span(values);
        QCOMPARE(span.size(), 5u);
        QCOMPARE(span.size_in_bytes(), 5 * sizeof(int));
        QCOMPARE(span.first(), 1);
        QCOMPARE(span.last(), 5);
        span[2] = 30;
        QCOMPARE(values[2], 30);
        int sum = 0;
        for (int value : span)
            sum += value;
        QCOMPARE(sum, 1 + 2 + 30 + 4 + 5);
        Span<int const> readonly = span;
        QCOMPARE(readonly.data(), static_cast<int const*>(values));
    }

    void slices()
    {
        int values[] = {1, 2, 3, 4, 5};
        Span<int> span(values);
        auto middle = span.slice(1, 3);
        QCOMPARE(middle.size(), 3u);
        QCOMPARE(middle[0], 2);
        QCOMPARE(span.slice(5).size(), 0u);
        QCOMPARE(span.slice(3)[1], 5);
        int other[] = {2, 3, 4};
        QVERIFY(middle.equals(Span<int>(other)));
        QVERIFY(!span.equals(Span<int>(other)));
    }

    void bytes()
    {
        u32 word = 0x11223344;
        Span<u32> words(&word, 1);
        Bytes bytes = words.as_bytes();
        QCOMPARE(bytes.size(), 4u);
        QCOMPARE(bytes[0], u8(0x44)); // little-endian
        ReadonlyBytes readonly = bytes;
        QCOMPARE(readonly[3], u8(0x11));
        u8 destination[2] = {};
        QCOMPARE(readonly.copy_trimmed_to(Bytes(destination)), 2u);
        QCOMPARE(destination[1], u8(0x33));
        Span<int> empty;
        QVERIFY(empty.is_empty());
        QCOMPARE(empty.begin(), empty.end());
    }
};

PHANTOM_BASE_TEST(SpanTest, "span");
#include "TestSpan.moc"
