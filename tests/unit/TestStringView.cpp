/*
 * tests/unit/TestStringView.cpp: StringView, including what works at compile time.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/StringView.h>
#include <base/Vector.h>

// Views are literal types: these are checked by the compiler.
static_assert("phantom"sv.length() == 7);
static_assert("phantom"sv.starts_with("pha"sv) && "phantom"sv.ends_with('m'));
static_assert("a"sv < "b"sv && "ab"sv.compare("abc"sv) < 0 && "b"sv.compare("abc"sv) > 0);
static_assert("  x y \n"sv.trim_whitespace() == "x y"sv);
static_assert(StringView().is_empty() && StringView().is_null() && !""sv.is_null());

namespace {

Vector<StringView> split(StringView text, char separator, KeepEmpty keep_empty)
{
    Vector<StringView> parts;
    for (auto part : text.split_view(separator, keep_empty))
        parts.append(part);
    return parts;
}

} // namespace

class StringViewTest : public QObject {
    Q_OBJECT

private slots:
    void construction()
    {
        char const* c_string = "hello";
        StringView from_c(c_string);
        QCOMPARE(from_c.length(), 5u);
        QVERIFY(from_c == "hello"sv);
        StringView from_null(static_cast<char const*>(nullptr));
        QVERIFY(from_null.is_empty());
        char buffer[] = {'a', 'b', 'c'};
        StringView counted(buffer, 2);
        QVERIFY(counted == "ab"sv);
        QVERIFY(counted != "abc"sv);
        QVERIFY(counted.characters_without_null_termination() == buffer); // the same memory, not a copy
        QCOMPARE(counted.bytes().size(), 2u);
        QCOMPARE(counted.bytes()[1], u8('b'));
    }

    void searching()
    {
        StringView path = "/usr/local/bin"sv;
        QVERIFY(path.find('/') == 0u);
        QVERIFY(path.find('/', 1) == 4u);
        QVERIFY(path.find_last('/') == 10u);
        QVERIFY(!path.find('x').has_value());
        QVERIFY(path.find("local"sv) == 5u);
        QVERIFY(!path.find("locale"sv).has_value());
        QVERIFY(!"ab"sv.find("abc"sv).has_value());
        QVERIFY(path.contains("bin"sv));
        QVERIFY(path.contains('u'));
        QVERIFY(!path.contains('z'));
        QVERIFY(path.starts_with('/'));
        QVERIFY(!""sv.starts_with('/'));
        QVERIFY(!""sv.ends_with('/'));
        QVERIFY(path.ends_with(""sv));
        QVERIFY(!"in"sv.ends_with("bin"sv));
    }

    void substrings()
    {
        StringView text = "persistent"sv;
        QVERIFY(text.substring_view(3, 4) == "sist"sv);
        QVERIFY(text.substring_view(3) == "sistent"sv);
        QVERIFY(text.substring_view(10).is_empty());
        QVERIFY(text.substring_view(0, 0).is_empty());
    }

    void split_skipping_empty_pieces()
    {
        auto parts = split("a,,b,c,"sv, ',', KeepEmpty::No);
        QCOMPARE(parts.size(), 3u);
        QVERIFY(parts[0] == "a"sv && parts[1] == "b"sv && parts[2] == "c"sv);
        QCOMPARE(split(""sv, ',', KeepEmpty::No).size(), 0u);
        QCOMPARE(split(",,,"sv, ',', KeepEmpty::No).size(), 0u);
        QCOMPARE(split("single"sv, ',', KeepEmpty::No).size(), 1u);
    }

    void split_keeping_empty_pieces()
    {
        auto parts = split("a,,b,"sv, ',', KeepEmpty::Yes);
        QCOMPARE(parts.size(), 4u);
        QVERIFY(parts[0] == "a"sv && parts[1].is_empty() && parts[2] == "b"sv && parts[3].is_empty());
        QCOMPARE(split(","sv, ',', KeepEmpty::Yes).size(), 2u);
    }

    void unsigned_numbers()
    {
        QVERIFY("0"sv.to_uint() == 0u);
        QVERIFY("4294967295"sv.to_uint<u32>() == 4294967295u);
        QVERIFY(!"4294967296"sv.to_uint<u32>().has_value());
        QVERIFY("18446744073709551615"sv.to_uint<u64>() == 18446744073709551615ull);
        QVERIFY(!"18446744073709551616"sv.to_uint<u64>().has_value());
        QVERIFY("0x10"sv.to_uint<u16>() == 16);
        QVERIFY("0XfF"sv.to_uint<u8>() == 255);
        QVERIFY(!"0x"sv.to_uint().has_value());
        QVERIFY(!""sv.to_uint().has_value());
        QVERIFY(!"+1"sv.to_uint().has_value());
        QVERIFY(!" 1"sv.to_uint().has_value());
        QVERIFY(!"1f"sv.to_uint().has_value());
    }

    void signed_numbers()
    {
        QVERIFY("-1"sv.to_int() == -1);
        QVERIFY("+17"sv.to_int() == 17);
        QVERIFY("127"sv.to_int<i8>() == 127);
        QVERIFY(!"128"sv.to_int<i8>().has_value());
        QVERIFY("-128"sv.to_int<i8>() == -128);
        QVERIFY(!"-129"sv.to_int<i8>().has_value());
        QVERIFY("-9223372036854775808"sv.to_int<i64>() == (-9223372036854775807ll - 1));
        QVERIFY(!"-"sv.to_int().has_value());
        QVERIFY(!"--1"sv.to_int().has_value());
    }
};

PHANTOM_BASE_TEST(StringViewTest, "string_view");
#include "TestStringView.moc"
