/*
 * tests/unit/TestString.cpp: String (immutable, shared) and StringBuilder.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/String.h>

using BaseTests::AllocationFailureScope;

class StringTest : public QObject {
    Q_OBJECT

private slots:
    void empty_string_owns_nothing()
    {
        long allocations = BaseTests::nothrow_allocation_count();
        String empty;
        String also_empty = MUST(String::from_view(""sv));
        QCOMPARE(BaseTests::nothrow_allocation_count(), allocations);
        QVERIFY(empty.is_empty());
        QCOMPARE(empty.length(), 0u);
        QCOMPARE(empty.characters()[0], '\0');
        QVERIFY(empty == also_empty);
        QVERIFY(empty == ""sv);
        QCOMPARE(empty.reference_count(), 0u);
    }

    void from_view_copies_and_terminates()
    {
        char buffer[] = "window title";
        String text = MUST(String::from_view(StringView(buffer, 6)));
        buffer[0] = 'W';
        QVERIFY(text == "window"sv);
        QCOMPARE(text.length(), 6u);
        QCOMPARE(text.characters()[6], '\0');
        QCOMPARE(QString(text.characters()), QString("window"));
        QVERIFY(text == "window");
        QVERIFY(!(text == "windows"sv));
        QCOMPARE(text.bytes().size(), 6u);
    }

    void copies_share_the_characters()
    {
        String original = MUST(String::from_view("shared"sv));
        QCOMPARE(original.reference_count(), 1u);
        {
            String copy = original;
            String another;
            another = copy;
            QCOMPARE(original.reference_count(), 3u);
            QVERIFY(copy.characters() == original.characters()); // shared, not copied
        }
        QCOMPARE(original.reference_count(), 1u);
        String moved = move(original);
        QCOMPARE(moved.reference_count(), 1u);
        QVERIFY(original.is_empty());
        moved = moved; // self-assignment keeps the string
        QVERIFY(moved == "shared"sv);
    }

    void queries_and_substrings()
    {
        String text = MUST(String::from_view("kernel/persist"sv));
        QVERIFY(text.starts_with("kernel"sv));
        QVERIFY(text.ends_with("persist"sv));
        QVERIFY(text.contains("l/p"sv));
        String part = MUST(text.substring(7, 7));
        QVERIFY(part == "persist"sv);
        StringView view = text;
        QCOMPARE(view.length(), 14u);
        QCOMPARE(text.hash(), Base::hash_string("kernel/persist"sv));
        String same = MUST(String::from_view("kernel/persist"sv));
        QVERIFY(same == text);
        QCOMPARE(same.hash(), text.hash());
    }

    void formatted()
    {
        String text = MUST(String::formatted("{} + {} = {:#x}", 1, "one", 2));
        QVERIFY(text == "1 + one = 0x2"sv);
    }

    void builder_appends()
    {
        StringBuilder builder;
        QVERIFY(builder.is_empty());
        MUST(builder.try_append("abc"sv));
        MUST(builder.try_append('-'));
        builder.append("def"sv);
        builder.append('!');
        MUST(builder.try_appendff("[{:>4}]", 7));
        builder.appendff("{}", true);
        QVERIFY(builder.string_view() == "abc-def![   7]true"sv);
        QCOMPARE(builder.length(), 18u);
        String built = MUST(builder.to_string());
        QVERIFY(built == "abc-def![   7]true"sv);
        builder.clear();
        QVERIFY(builder.is_empty());
        QVERIFY(MUST(builder.to_string()).is_empty());
    }

    void builder_as_a_sink()
    {
        StringBuilder builder;
        Base::format_to(builder, "{}:{}", "a"sv, 1);
        QVERIFY(builder.string_view() == "a:1"sv);
    }

    void long_builder_moves_to_the_heap()
    {
        StringBuilder builder;
        for (int i = 0; i < 1000; ++i)
            MUST(builder.try_appendff("{},", i % 10));
        QCOMPARE(builder.length(), 2000u);
        String text = MUST(builder.to_string());
        QCOMPARE(text.length(), 2000u);
        QVERIFY(text.starts_with("0,1,2,3"sv));
        QVERIFY(text.ends_with("8,9,"sv));
    }

    void allocation_failure()
    {
        {
            AllocationFailureScope no_memory(0);
            auto result = String::from_view("needs memory"sv);
            QVERIFY(result.is_error());
            QCOMPARE(result.error().code(), ErrorCode::OutOfMemory);
            QVERIFY(String::formatted("{}", 1).is_error());
        }
        StringBuilder builder;
        builder.append("kept"sv);
        {
            AllocationFailureScope no_memory(0);
            // 200 characters overflow the 128 inline ones: the builder has to allocate.
            auto result = builder.try_appendff("{:>200}", "x");
            QVERIFY(result.is_error());
            QCOMPARE(result.error().code(), ErrorCode::OutOfMemory);
            // A failed append leaves what was there before.
            QVERIFY(builder.string_view() == "kept"sv);
            QVERIFY(!builder.try_append("y"sv).is_error()); // fits inline
        }
        QVERIFY(builder.string_view() == "kepty"sv);
        MUST(builder.try_appendff("{:>200}", "x"));
        QCOMPARE(builder.length(), 205u);
    }
};

PHANTOM_BASE_TEST(StringTest, "string");
#include "TestString.moc"
