/*
 * tests/unit/TestErrorOr.cpp: Error, ErrorOr<T>, ErrorOr<void>, TRY and MUST (success path;
 * MUST's failure path is in TestVerify.cpp).
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/ErrorOr.h>
#include <base/OwnPtr.h>

using BaseTests::Counted;
using BaseTests::Counters;

namespace {

int g_steps_after_try = 0;

ErrorOr<int> half_of_even(int value)
{
    if (value % 2 != 0)
        return Error::from_string_literal("odd number");
    return value / 2;
}

ErrorOr<int> quarter_of(int value)
{
    int half = TRY(half_of_even(value));
    ++g_steps_after_try;
    return TRY(half_of_even(half));
}

ErrorOr<void> must_be_positive(int value)
{
    if (value <= 0)
        return ErrorCode::OutOfRange;
    return {};
}

ErrorOr<int> checked_quarter(int value)
{
    TRY(must_be_positive(value));
    return quarter_of(value);
}

ErrorOr<NonnullOwnPtr<int>> make_boxed(int value) { return try_make<int>(value); }

ErrorOr<int> unbox_through_try(int value)
{
    NonnullOwnPtr<int> boxed = TRY(make_boxed(value));
    return *boxed;
}

ErrorOr<Counted> make_counted(Counters& counters, bool fail)
{
    if (fail)
        return Error(ErrorCode::NotFound);
    return Counted(counters, 7);
}

ErrorOr<int> use_counted(Counters& counters, bool fail)
{
    Counted value = TRY(make_counted(counters, fail));
    return value.value();
}

} // namespace

class ErrorOrTest : public QObject {
    Q_OBJECT

private slots:
    void value_passes_through_try()
    {
        g_steps_after_try = 0;
        auto result = quarter_of(12);
        QVERIFY(!result.is_error());
        QCOMPARE(result.value(), 3);
        QCOMPARE(g_steps_after_try, 1);
    }

    void error_returns_early_from_try()
    {
        g_steps_after_try = 0;
        auto result = quarter_of(7);
        QVERIFY(result.is_error());
        QCOMPARE(result.error().code(), ErrorCode::Custom);
        QVERIFY(result.error().message() == "odd number"sv);
        // The code after the failing TRY did not run.
        QCOMPARE(g_steps_after_try, 0);
    }

    void error_from_second_try()
    {
        g_steps_after_try = 0;
        auto result = quarter_of(6); // 6 -> 3 -> odd
        QVERIFY(result.is_error());
        QCOMPARE(g_steps_after_try, 1);
    }

    void void_error_propagates()
    {
        auto result = checked_quarter(-4);
        QVERIFY(result.is_error());
        QCOMPARE(result.error().code(), ErrorCode::OutOfRange);
        QVERIFY(result.error() == ErrorCode::OutOfRange);
        QCOMPARE(checked_quarter(8).value(), 2);
        ErrorOr<void> fine;
        QVERIFY(!fine.is_error());
    }

    void move_only_values_through_try()
    {
        auto result = unbox_through_try(41);
        QVERIFY(!result.is_error());
        QCOMPARE(result.value(), 41);
    }

    void values_are_destroyed_exactly_once()
    {
        Counters counters;
        QCOMPARE(use_counted(counters, false).value(), 7);
        QCOMPARE(counters.alive(), 0);
        QVERIFY(use_counted(counters, true).is_error());
        QCOMPARE(counters.alive(), 0);
        {
            ErrorOr<Counted> held = make_counted(counters, false);
            ErrorOr<Counted> moved = move(held);
            ErrorOr<Counted> assigned = Error(ErrorCode::Busy);
            assigned = move(moved);
            QCOMPARE(assigned.value().value(), 7);
            assigned = Error(ErrorCode::Busy);
            QVERIFY(assigned.is_error());
        }
        QCOMPARE(counters.alive(), 0);
    }

    void must_yields_the_value()
    {
        int value = MUST(quarter_of(16));
        QCOMPARE(value, 4);
        MUST(must_be_positive(1));
    }

    void every_error_code_has_a_name_and_a_sentence()
    {
        int count = 0;
#define CHECK_CODE(code_name, code_sentence)                                                                 \
    {                                                                                                        \
        Error error(ErrorCode::code_name);                                                                   \
        QVERIFY(error.name() == #code_name##sv);                                                             \
        QVERIFY(error.message().length() > 10);                                                              \
        QVERIFY(error.message().ends_with('.'));                                                             \
        QVERIFY(!error.is_string_literal());                                                                 \
        ++count;                                                                                             \
    }
        PHANTOM_ENUMERATE_ERROR_CODES(CHECK_CODE)
#undef CHECK_CODE
        QVERIFY(count >= 10);
    }

    void string_literal_errors()
    {
        constexpr Error error = Error::from_string_literal("disk image is too small");
        static_assert(error.message() == "disk image is too small"sv);
        QVERIFY(error.is_string_literal());
        QCOMPARE(error.code(), ErrorCode::Custom);
        Error specific = Error::with_message(ErrorCode::NoSpace, "pager: no free block"sv);
        QCOMPARE(specific.code(), ErrorCode::NoSpace);
        QVERIFY(specific.message() == "pager: no free block"sv);
        QVERIFY(specific.name() == "NoSpace"sv);
        QVERIFY(!(specific == Error(ErrorCode::NoSpace)));
    }
};

PHANTOM_BASE_TEST(ErrorOrTest, "error_or");
#include "TestErrorOr.moc"
