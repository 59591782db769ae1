/*
 * tests/unit/TestFormat.cpp: the formatter — every spec, every built-in type, custom
 * Formatter specializations, FixedStringBuilder, logln, and the compile-time check of
 * format strings (shown with concepts: a mismatched string is not a valid argument).
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/Format.h>
#include <base/Log.h>
#include <base/String.h>
#include <base/Version.h>

namespace {

// A format string as a template argument, so a concept can ask whether it compiles.
template<usize N> struct Literal {
    consteval Literal(char const (&text)[N])
    {
        for (usize i = 0; i < N; ++i)
            characters[i] = text[i];
    }
    char characters[N];
};

// True when `format_to(sink, text, Ts...)` compiles: the check runs while forming a template
// argument, where a failed constant evaluation is a substitution failure instead of an error.
template<Literal text, typename... Ts>
concept CompilesAsFormat = requires
{
    typename std::bool_constant<(Base::CheckedFormatString<Ts...>(text.characters), true)>;
};

static_assert(CompilesAsFormat<"plain text">);
static_assert(CompilesAsFormat<"{} and {}", int, StringView>);
static_assert(CompilesAsFormat<"{{}} {:#018x}", u64>);
static_assert(!CompilesAsFormat<"{} and {}", int>, "too few arguments must not compile");
static_assert(!CompilesAsFormat<"{}", int, int>, "too many arguments must not compile");
static_assert(!CompilesAsFormat<"no placeholders", int>);
static_assert(!CompilesAsFormat<"{", int>, "an unmatched { must not compile");
static_assert(!CompilesAsFormat<"}", int>, "an unmatched } must not compile");
static_assert(!CompilesAsFormat<"{:q}", int>, "an unknown type must not compile");
static_assert(!CompilesAsFormat<"{0}", int>, "positional arguments are not supported");
static_assert(!CompilesAsFormat<"{:.}", int>, "a precision needs digits");

// The same rules as a constexpr function.
static_assert(Base::is_valid_format_string("{:>8} {:<8} {:^8} {:*>8}"sv, 4));
static_assert(Base::is_valid_format_string("{:+#010b}"sv, 1));
static_assert(!Base::is_valid_format_string("{:10x"sv, 1));
static_assert(!Base::is_valid_format_string("{{}"sv, 0));

// A type without a Formatter is not Formattable, so format_to() rejects it.
struct Unformattable { };
static_assert(!Base::Formattable<Unformattable>);
static_assert(Base::Formattable<int> && Base::Formattable<String> && Base::Formattable<char const*>);

struct Point {
    int x;
    int y;
};

enum class Color : u8 {
    Red = 1,
    Blue = 4,
};

template<usize capacity = 256, typename... Ts>
QString formatted(Base::CheckedFormatString<Ts...> format, Ts const&... arguments)
{
    FixedStringBuilder<capacity> builder;
    Base::format_to(builder, format, arguments...);
    return QString::fromUtf8(builder.c_string(), static_cast<qsizetype>(builder.length()));
}

} // namespace

template<> struct Base::Formatter<Point> {
    void format(FormatBuilder& builder, Point const& point)
    {
        builder.appendff("({}, {})", point.x, point.y);
    }
};

class FormatTest : public QObject {
    Q_OBJECT

private slots:
    void integers()
    {
        QCOMPARE(formatted("{}", 0), QString("0"));
        QCOMPARE(formatted("{} {} {}", 42, -42, 42u), QString("42 -42 42"));
        QCOMPARE(formatted("{} {}", i64(-9223372036854775807LL - 1), u64(18446744073709551615ULL)),
            QString("-9223372036854775808 18446744073709551615"));
        QCOMPARE(formatted("{} {} {} {}", u8(255), i8(-128), i16(-300), u16(65535)),
            QString("255 -128 -300 65535"));
        QCOMPARE(formatted("{}", static_cast<long long>(-1)), QString("-1"));
        QCOMPARE(formatted("{:d}", 17), QString("17"));
    }

    void hexadecimal_binary_octal()
    {
        QCOMPARE(formatted("{:x}", 255), QString("ff"));
        QCOMPARE(formatted("{:X}", 255), QString("FF"));
        QCOMPARE(formatted("{:#x}", 255), QString("0xff"));
        QCOMPARE(formatted("{:#X}", 255), QString("0XFF"));
        QCOMPARE(formatted("{:x}", 0), QString("0"));
        QCOMPARE(formatted("{:#x}", 0), QString("0x0"));
        QCOMPARE(formatted("{:x}", u64(0xffffffff80101234ULL)), QString("ffffffff80101234"));
        QCOMPARE(formatted("{:b}", 10), QString("1010"));
        QCOMPARE(formatted("{:#b}", 10), QString("0b1010"));
        QCOMPARE(formatted("{:o}", 8), QString("10"));
        QCOMPARE(formatted("{:#o}", 8), QString("0o10"));
        // Negative numbers keep their sign, as in Python: no two's complement dump.
        QCOMPARE(formatted("{:x}", -255), QString("-ff"));
        QCOMPARE(formatted("{:#x}", -1), QString("-0x1"));
    }

    void zero_padding()
    {
        QCOMPARE(formatted("{:016x}", 0xdeadULL), QString("000000000000dead"));
        QCOMPARE(formatted("{:#018x}", 0x1234), QString("0x0000000000001234"));
        QCOMPARE(formatted("{:05}", -42), QString("-0042"));
        QCOMPARE(formatted("{:+05}", 42), QString("+0042"));
        QCOMPARE(formatted("{:03}", 12345), QString("12345"));
        QCOMPARE(formatted("{:08b}", 5), QString("00000101"));
    }

    void width_and_alignment()
    {
        QCOMPARE(formatted("[{:>8}]", "right"), QString("[   right]"));
        QCOMPARE(formatted("[{:<8}]", "left"), QString("[left    ]"));
        QCOMPARE(formatted("[{:^8}]", "mid"), QString("[  mid   ]"));
        QCOMPARE(formatted("[{:8}]", "text"), QString("[text    ]")); // text: left by default
        QCOMPARE(formatted("[{:8}]", 42), QString("[      42]"));     // numbers: right
        QCOMPARE(formatted("[{:<8}]", 42), QString("[42      ]"));
        QCOMPARE(formatted("[{:*^7}]", 42), QString("[**42***]"));
        QCOMPARE(formatted("[{:->6x}]", 255), QString("[----ff]"));
        QCOMPARE(formatted("[{:<06}]", 7), QString("[7     ]")); // explicit alignment wins over 0
        QCOMPARE(formatted("[{:2}]", "longer"), QString("[longer]"));
        QCOMPARE(formatted("[{:>3}]", 'x'), QString("[  x]"));
        QCOMPARE(formatted("[{:>6}]", true), QString("[  true]"));
    }

    void precision_truncates_text()
    {
        QCOMPARE(formatted("{:.3}", "abcdef"), QString("abc"));
        QCOMPARE(formatted("[{:>5.2}]", "abcdef"sv), QString("[   ab]"));
        QCOMPARE(formatted("{:.10}", "abc"), QString("abc"));
        QCOMPARE(formatted("[{:.0}]", "abc"), QString("[]"));
    }

    void plus_sign()
    {
        QCOMPARE(formatted("{:+}", 5), QString("+5"));
        QCOMPARE(formatted("{:+}", -5), QString("-5"));
        QCOMPARE(formatted("{:+}", 0), QString("+0"));
    }

    void characters()
    {
        QCOMPARE(formatted("{}", 'a'), QString("a"));
        QCOMPARE(formatted("{:c}", 65), QString("A"));
        QCOMPARE(formatted("{:c}", u8(66)), QString("B"));
        QCOMPARE(formatted("{:d}", 'A'), QString("65"));
        QCOMPARE(formatted("{:x}", 'A'), QString("41"));
    }

    void booleans()
    {
        QCOMPARE(formatted("{} {}", true, false), QString("true false"));
        QCOMPARE(formatted("{:d} {:d}", true, false), QString("1 0"));
    }

    void text_types()
    {
        char const* c_string = "c string";
        char mutable_buffer[] = "mutable";
        char* mutable_pointer = mutable_buffer;
        String string = MUST(String::from_view("string"sv));
        QCOMPARE(formatted("{} {} {} {} {}", "literal", c_string, mutable_pointer, "view"sv, string),
            QString("literal c string mutable view string"));
        QCOMPARE(formatted("{}", static_cast<char const*>(nullptr)), QString("(null)"));
        QCOMPARE(formatted("[{}]", ""sv), QString("[]"));
    }

    void pointers()
    {
        int value = 0;
        void* pointer = reinterpret_cast<void*>(0x1000);
        QCOMPARE(formatted("{}", pointer), QString("0x0000000000001000"));
        QCOMPARE(formatted("{}", static_cast<int*>(nullptr)), QString("0x0000000000000000"));
        QCOMPARE(formatted("{}", nullptr), QString("0x0000000000000000"));
        QCOMPARE(formatted("{:x}", reinterpret_cast<void*>(0xabc)), QString("abc"));
        QCOMPARE(formatted("{:p}", static_cast<char const*>(reinterpret_cast<char*>(0x10))),
            QString("0x0000000000000010"));
        QString expected = QString("0x%1").arg(reinterpret_cast<quintptr>(&value), 16, 16, QChar('0'));
        QCOMPARE(formatted("{}", &value), expected);
    }

    void errors_optionals_enums()
    {
        QCOMPARE(formatted("{}", Error(ErrorCode::NotFound)), QString("The requested item does not exist."));
        QCOMPARE(formatted("{}", Error::from_string_literal("disk is on fire")), QString("disk is on fire"));
        QCOMPARE(formatted("{} {}", Optional<int>(3), Optional<int>()), QString("3 (none)"));
        QCOMPARE(formatted("{} {:#x}", Color::Red, Color::Blue), QString("1 0x4"));
    }

    void escapes()
    {
        QCOMPARE(formatted("{{}}"), QString("{}"));
        QCOMPARE(formatted("{{{}}}", 5), QString("{5}"));
        QCOMPARE(formatted("a}}b{{c"), QString("a}b{c"));
        QCOMPARE(formatted("no placeholders"), QString("no placeholders"));
        QCOMPARE(formatted(""), QString(""));
    }

    void custom_formatter() { QCOMPARE(formatted("at {}", Point {3, -4}), QString("at (3, -4)")); }

    void fixed_builder_truncates_without_allocating()
    {
        long allocations = BaseTests::nothrow_allocation_count();
        FixedStringBuilder<10> builder;
        Base::format_to(builder, "{}", "short");
        QVERIFY(!builder.is_truncated());
        QVERIFY(builder.string_view() == "short"sv);
        builder.appendff("{}", 1234567);
        QVERIFY(builder.is_truncated());
        QVERIFY(builder.string_view() == "short12345"sv);
        QCOMPARE(builder.c_string()[10], '\0');
        builder.mark_truncation("..."sv);
        QVERIFY(builder.string_view() == "short12..."sv);
        builder.clear();
        QVERIFY(builder.string_view().is_empty() && !builder.is_truncated());
        QCOMPARE(BaseTests::nothrow_allocation_count(), allocations);
    }

    void logln_prefixes_and_truncates()
    {
        QString output = BaseTests::capture_stderr([] {
            logln("mapped {} pages at {:#x}", 3, 0x1000);
            Base::log_banner("unit test"sv);
        });
        QCOMPARE(output,
            QString("phantom: mapped 3 pages at 0x1000\n"
                    "phantom: Phantom 0.1.0 on unit test: a persistent object system\n"));
        QString long_output = BaseTests::capture_stderr([] { logln("{:>1000}", "end"); });
        QVERIFY(long_output.startsWith("phantom:    "));
        QVERIFY(long_output.endsWith("...\n"));
        QCOMPARE(long_output.length(), static_cast<qsizetype>(Base::max_log_line_length + 1));
    }

    void version() { QVERIFY(Base::phantom_version == "0.1.0"sv); }
};

PHANTOM_BASE_TEST(FormatTest, "format");
#include "TestFormat.moc"
