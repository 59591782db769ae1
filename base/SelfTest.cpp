/*
 * base/SelfTest.cpp: the checks behind run_self_test(). Every check has a known answer;
 * a failing one logs its expression and line, and the run continues so one boot shows
 * every broken check at once. No global state: counters live on the stack.
 */

#include <base/Crc32c.h>
#include <base/ErrorOr.h>
#include <base/Format.h>
#include <base/HashMap.h>
#include <base/IntrusiveList.h>
#include <base/Log.h>
#include <base/Optional.h>
#include <base/OwnPtr.h>
#include <base/RefPtr.h>
#include <base/SelfTest.h>
#include <base/String.h>
#include <base/StringView.h>
#include <base/Vector.h>

namespace Base {

namespace {

    class SelfTestContext {
    public:
        bool check(bool passed, char const* expression, unsigned line)
        {
            ++m_checks;
            if (!passed) {
                ++m_failures;
                logln("self test: FAILED: {} (base/SelfTest.cpp:{})", expression, line);
            }
            return passed;
        }

        template<typename... Ts>
        void check_format(
            StringView expected, unsigned line, CheckedFormatString<Ts...> format, Ts const&... arguments)
        {
            FixedStringBuilder<128> actual;
            format_to(actual, format, arguments...);
            ++m_checks;
            if (actual.string_view() != expected) {
                ++m_failures;
                logln("self test: FAILED: format \"{}\" gave \"{}\", expected \"{}\" (base/SelfTest.cpp:{})",
                    format.view(), actual.string_view(), expected, line);
            }
        }

        unsigned checks() const { return m_checks; }
        unsigned failures() const { return m_failures; }

    private:
        unsigned m_checks {0};
        unsigned m_failures {0};
    };

#define SELF_CHECK(condition) context.check((condition), #condition, __LINE__)
#define SELF_CHECK_FORMAT(expected, ...) context.check_format(expected##sv, __LINE__, __VA_ARGS__)

    // Counts live instances so containers can be checked for leaks and double destruction.
    struct LifetimeCounters {
        int alive {0};
        int destroyed {0};
    };

    class Tracked {
    public:
        Tracked(LifetimeCounters& counters, int value)
            : m_counters(&counters)
            , m_value(value)
        {
            ++m_counters->alive;
        }
        Tracked(Tracked const& other)
            : m_counters(other.m_counters)
            , m_value(other.m_value)
        {
            ++m_counters->alive;
        }
        Tracked(Tracked&& other)
            : m_counters(other.m_counters)
            , m_value(exchange(other.m_value, -1))
        {
            ++m_counters->alive;
        }
        Tracked& operator=(Tracked const&) = default;
        Tracked& operator=(Tracked&& other)
        {
            m_counters = other.m_counters;
            m_value = exchange(other.m_value, -1);
            return *this;
        }
        ~Tracked()
        {
            --m_counters->alive;
            ++m_counters->destroyed;
        }
        int value() const { return m_value; }

    private:
        LifetimeCounters* m_counters;
        int m_value;
    };

    ErrorOr<int> parse_small_number(StringView text)
    {
        auto value = text.to_uint<u8>();
        if (!value.has_value())
            return Error::from_string_literal("not a small number");
        return value.value();
    }

    ErrorOr<int> sum_of_small_numbers(StringView first, StringView second)
    {
        int a = TRY(parse_small_number(first));
        int b = TRY(parse_small_number(second));
        return a + b;
    }

    ErrorOr<void> check_error_or(SelfTestContext& context)
    {
        auto good = sum_of_small_numbers("12"sv, "30"sv);
        SELF_CHECK(!good.is_error() && good.value() == 42);
        auto bad = sum_of_small_numbers("12"sv, "300"sv);
        SELF_CHECK(bad.is_error() && bad.error().message() == "not a small number"sv);
        ErrorOr<void> nothing = Error(ErrorCode::NotFound);
        SELF_CHECK(nothing.is_error() && nothing.error().code() == ErrorCode::NotFound);
        SELF_CHECK(Error(ErrorCode::OutOfMemory).name() == "OutOfMemory"sv);
        return {};
    }

    ErrorOr<void> check_string_view(SelfTestContext& context)
    {
        StringView text = "kernel/persist/Pager.cpp"sv;
        SELF_CHECK(text.length() == 24);
        SELF_CHECK(text.starts_with("kernel/"sv) && text.ends_with(".cpp"sv));
        SELF_CHECK(text.find('/') == 6u);
        SELF_CHECK(text.find_last('/') == 14u);
        SELF_CHECK(!text.find('#').has_value());
        SELF_CHECK(text.substring_view(7, 7) == "persist"sv);
        StringView parts[3];
        usize count = 0;
        for (auto part : "a//b/c"sv.split_view('/')) {
            if (count < 3)
                parts[count] = part;
            ++count;
        }
        SELF_CHECK(count == 3 && parts[0] == "a"sv && parts[1] == "b"sv && parts[2] == "c"sv);
        SELF_CHECK("4096"sv.to_uint<u32>() == 4096u);
        SELF_CHECK("0xff"sv.to_uint<u8>() == 255);
        SELF_CHECK(!"256"sv.to_uint<u8>().has_value());
        SELF_CHECK(!"12a"sv.to_uint().has_value());
        SELF_CHECK("-2147483648"sv.to_int<i32>() == (-2147483647 - 1));
        return {};
    }

    ErrorOr<void> check_vector(SelfTestContext& context)
    {
        LifetimeCounters counters;
        {
            Vector<Tracked, 4> vector;
            for (int i = 0; i < 100; ++i)
                TRY(vector.try_empend(counters, i));
            SELF_CHECK(vector.size() == 100 && !vector.is_inline());
            SELF_CHECK(counters.alive == 100);
            bool in_order = true;
            for (int i = 0; i < 100; ++i)
                in_order = in_order && vector[i].value() == i;
            SELF_CHECK(in_order);
            vector.remove(10);
            SELF_CHECK(vector.size() == 99 && vector[10].value() == 11 && counters.alive == 99);
            Tracked last = vector.take_last();
            SELF_CHECK(last.value() == 99 && vector.size() == 98);
            usize removed
                = vector.remove_all_matching([](Tracked const& element) { return element.value() % 2 == 0; });
            SELF_CHECK(removed == 49 && vector.size() == 49 && vector.first().value() == 1);
            Vector<Tracked, 4> moved = move(vector);
            SELF_CHECK(vector.is_empty() && moved.size() == 49);
        }
        SELF_CHECK(counters.alive == 0);

        Vector<u32, 8> small;
        for (u32 i = 0; i < 8; ++i)
            TRY(small.try_append(i * i));
        SELF_CHECK(small.is_inline() && small.last() == 49);
        TRY(small.try_append(64u));
        SELF_CHECK(!small.is_inline() && small.size() == 9 && small[8] == 64);
        TRY(small.try_insert(0, 1000u));
        SELF_CHECK(small[0] == 1000 && small[1] == 0 && small.size() == 10);
        return {};
    }

    // Every key collides: the probing and tombstone logic does all the work.
    struct CollidingTraits {
        static u32 hash(u32) { return 7; }
        static bool equals(u32 a, u32 b) { return a == b; }
    };

    ErrorOr<void> check_hash_map(SelfTestContext& context)
    {
        HashMap<u32, u32> squares;
        for (u32 i = 0; i < 1000; ++i)
            TRY(squares.try_set(i, i * i));
        SELF_CHECK(squares.size() == 1000);
        SELF_CHECK(squares.get(999u) == 998001u);
        SELF_CHECK(!squares.get(1000u).has_value());
        SELF_CHECK(
            TRY(squares.try_set(5u, 0u)) == HashSetResult::ReplacedExistingEntry && squares.get(5u) == 0u);
        for (u32 i = 0; i < 1000; i += 2)
            squares.remove(i);
        SELF_CHECK(squares.size() == 500 && !squares.contains(10u) && squares.contains(11u));
        u64 sum = 0;
        for (auto const& entry : squares)
            sum += entry.key;
        SELF_CHECK(sum == 250000); // 1 + 3 + ... + 999

        HashMap<u32, u32, CollidingTraits> colliding;
        for (u32 i = 0; i < 64; ++i)
            TRY(colliding.try_set(i, i + 1));
        for (u32 i = 0; i < 64; i += 3)
            colliding.remove(i);
        bool all_right = true;
        for (u32 i = 0; i < 64; ++i)
            all_right = all_right && (i % 3 == 0 ? !colliding.contains(i) : colliding.get(i) == i + 1);
        SELF_CHECK(all_right);

        HashMap<String, int> by_name;
        TRY(by_name.try_set(TRY(String::from_view("pager"sv)), 1));
        TRY(by_name.try_set(TRY(String::from_view("snapshot"sv)), 2));
        SELF_CHECK(by_name.get("snapshot"sv) == 2 && !by_name.contains("vm"sv));
        return {};
    }

    ErrorOr<void> check_strings(SelfTestContext& context)
    {
        String empty;
        SELF_CHECK(empty.is_empty() && empty.characters()[0] == '\0');
        String name = TRY(String::from_view("phantom"sv));
        String copy = name;
        SELF_CHECK(copy == "phantom"sv && name.reference_count() == 2);
        StringBuilder builder;
        TRY(builder.try_append("pages: "sv));
        TRY(builder.try_appendff("{} of {:#x}", 3, 4096));
        String built = TRY(builder.to_string());
        SELF_CHECK(built == "pages: 3 of 0x1000"sv);
        String formatted = TRY(String::formatted("{}-{}", name, 7));
        SELF_CHECK(formatted == "phantom-7"sv);
        return {};
    }

    void check_formatter(SelfTestContext& context)
    {
        SELF_CHECK_FORMAT("42 -7 0", "{} {} {}", 42, -7, 0u);
        SELF_CHECK_FORMAT("ff FF 0xff 0XFF", "{:x} {:X} {:#x} {:#X}", 255, 255, 255, 255);
        SELF_CHECK_FORMAT("00000000deadbeef", "{:016x}", 0xdeadbeefULL);
        SELF_CHECK_FORMAT("0x00001000", "{:#010x}", 4096);
        SELF_CHECK_FORMAT("101 0b101 17", "{:b} {:#b} {:o}", 5, 5, 15);
        SELF_CHECK_FORMAT("[   ab][ab   ][ ab  ]", "[{:>5}][{:<5}][{:^5}]", "ab", "ab"sv, "ab");
        SELF_CHECK_FORMAT("[   12][12   ][*12**]", "[{:5}][{:<5}][{:*^5}]", 12, 12, 12);
        SELF_CHECK_FORMAT("A 65 a", "{:c} {:d} {}", 65, 'A', 'a');
        SELF_CHECK_FORMAT("{x} true false", "{{x}} {} {}", true, false);
        SELF_CHECK_FORMAT("-9223372036854775808 18446744073709551615", "{} {}",
            i64(-9223372036854775807LL - 1), u64(18446744073709551615ULL));
        SELF_CHECK_FORMAT("+5 -00042", "{:+} {:06}", 5, -42);
        SELF_CHECK_FORMAT("abc", "{:.3}", "abcdef");
        SELF_CHECK_FORMAT("0x0000000000001000", "{}", reinterpret_cast<void*>(0x1000));
        SELF_CHECK_FORMAT("(null)", "{}", static_cast<char const*>(nullptr));
        SELF_CHECK_FORMAT("The requested item does not exist.", "{}", Error(ErrorCode::NotFound));

        FixedStringBuilder<8> small;
        format_to(small, "{}", "0123456789"sv);
        SELF_CHECK(small.string_view() == "01234567"sv && small.is_truncated());
    }

    struct OwnedThing {
        explicit OwnedThing(LifetimeCounters& counters)
            : counters(counters)
        {
            ++counters.alive;
        }
        ~OwnedThing() { --counters.alive; }
        LifetimeCounters& counters;
    };

    struct SharedThing : RefCounted<SharedThing> {
        explicit SharedThing(LifetimeCounters& counters)
            : counters(counters)
        {
            ++counters.alive;
        }
        ~SharedThing() { --counters.alive; }
        LifetimeCounters& counters;
    };

    ErrorOr<void> check_smart_pointers(SelfTestContext& context)
    {
        LifetimeCounters counters;
        {
            NonnullOwnPtr<OwnedThing> owned = TRY(try_make<OwnedThing>(counters));
            OwnPtr<OwnedThing> maybe = move(owned);
            SELF_CHECK(counters.alive == 1 && !maybe.is_null());
            maybe.clear();
            SELF_CHECK(counters.alive == 0);
            maybe = TRY(try_make<OwnedThing>(counters));
        }
        SELF_CHECK(counters.alive == 0);
        {
            NonnullRefPtr<SharedThing> first = TRY(try_make_ref_counted<SharedThing>(counters));
            RefPtr<SharedThing> second = first;
            SELF_CHECK(first->reference_count() == 2);
            second = nullptr;
            SELF_CHECK(first->reference_count() == 1 && counters.alive == 1);
        }
        SELF_CHECK(counters.alive == 0);
        return {};
    }

    struct ListItem {
        int value;
        IntrusiveListNode node;
    };

    void check_intrusive_list(SelfTestContext& context)
    {
        ListItem items[4] {{0, {}}, {1, {}}, {2, {}}, {3, {}}};
        IntrusiveList<ListItem, &ListItem::node> list;
        list.append(items[1]);
        list.append(items[2]);
        list.prepend(items[0]);
        list.append(items[3]);
        int expected = 0;
        bool in_order = true;
        for (auto& item : list)
            in_order = in_order && item.value == expected++;
        SELF_CHECK(in_order && expected == 4);
        for (auto& item : list) {
            if (item.value % 2 == 1)
                list.remove(item);
        }
        SELF_CHECK(list.size_slow() == 2 && list.first() == &items[0] && list.last() == &items[2]);
        SELF_CHECK(list.take_first() == &items[0] && !items[0].node.is_in_list());
        list.clear();
        SELF_CHECK(list.is_empty() && !items[2].node.is_in_list());
    }

    void check_crc32c(SelfTestContext& context)
    {
        SELF_CHECK(crc32c("123456789"sv.bytes()) == 0xE3069283);
        SELF_CHECK(crc32c({}) == 0);
        u8 buffer[32];
        for (auto& byte : buffer)
            byte = 0;
        SELF_CHECK(crc32c(ReadonlyBytes(buffer, 32)) == 0x8A9136AA);
        for (auto& byte : buffer)
            byte = 0xFF;
        SELF_CHECK(crc32c(ReadonlyBytes(buffer, 32)) == 0x62A8AB43);
        for (u8 i = 0; i < 32; ++i)
            buffer[i] = i;
        SELF_CHECK(crc32c(ReadonlyBytes(buffer, 32)) == 0x46DD794E);
        // Odd split points exercise the unaligned head and the tail loops.
        Crc32c running;
        running.update(ReadonlyBytes(buffer, 3));
        running.update(ReadonlyBytes(buffer + 3, 20));
        running.update(ReadonlyBytes(buffer + 23, 9));
        SELF_CHECK(running.digest() == 0x46DD794E);
    }

} // namespace

ErrorOr<void> run_self_test()
{
    SelfTestContext context;
    // A check function that returns an error could not even allocate; count it and go on.
    auto run = [&](ErrorOr<void> result, char const* area) {
        if (result.is_error())
            context.check(false, area, 0);
    };
    run(check_error_or(context), "check_error_or() returned an error");
    run(check_string_view(context), "check_string_view() returned an error");
    run(check_vector(context), "check_vector() returned an error");
    run(check_hash_map(context), "check_hash_map() returned an error");
    run(check_strings(context), "check_strings() returned an error");
    check_formatter(context);
    run(check_smart_pointers(context), "check_smart_pointers() returned an error");
    check_intrusive_list(context);
    check_crc32c(context);

    if (context.failures() > 0) {
        logln("self test: base: {} of {} checks FAILED", context.failures(), context.checks());
        return Error(ErrorCode::SelfTestFailed);
    }
    logln("self test: base: all {} checks passed", context.checks());
    return {};
}

} // namespace Base
