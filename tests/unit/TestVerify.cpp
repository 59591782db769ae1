/*
 * tests/unit/TestVerify.cpp: what happens when an invariant breaks. VERIFY, MUST and the
 * bounds checks of the containers must stop the program (the host port aborts) and name
 * the failed expression; each case runs in a forked child.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/Assertions.h>
#include <base/ErrorOr.h>
#include <base/Optional.h>
#include <base/Span.h>
#include <base/StringView.h>
#include <base/Vector.h>
#include <csignal>

using BaseTests::ChildResult;
using BaseTests::run_in_child;

namespace {

// Volatile so the compiler cannot prove the checks below at compile time.
volatile int s_zero = 0;

ErrorOr<int> always_fails() { return Error::from_string_literal("the disk caught fire"); }

void expect_abort(ChildResult const& result, char const* expected_text)
{
    QVERIFY2(!result.exited_normally, "the child should not have survived");
    QCOMPARE(result.signal, SIGABRT);
    QVERIFY2(result.standard_error.contains(expected_text), qPrintable(result.standard_error));
}

} // namespace

class VerifyTest : public QObject {
    Q_OBJECT

private slots:
    void passing_checks_do_nothing()
    {
        auto result = run_in_child([] {
            VERIFY(s_zero == 0);
            Vector<int> vector {1};
            VERIFY(vector[0] == 1);
        });
        QVERIFY(result.exited_normally);
        QCOMPARE(result.exit_code, 0);
    }

    void verify_names_the_expression()
    {
        auto result = run_in_child([] { VERIFY(s_zero == 1); });
        expect_abort(result, "VERIFY(s_zero == 1) failed");
        QVERIFY(result.standard_error.contains("TestVerify.cpp"));
        QVERIFY(result.standard_error.startsWith("phantom: "));
    }

    void verify_not_reached()
    {
        expect_abort(run_in_child([] { VERIFY_NOT_REACHED(); }), "VERIFY_NOT_REACHED()");
    }

    void must_names_the_error()
    {
        auto result = run_in_child([] { (void)MUST(always_fails()); });
        expect_abort(result, "MUST(always_fails()) failed: Custom: the disk caught fire");
    }

    void vector_index_out_of_bounds()
    {
        expect_abort(run_in_child([] {
            Vector<int> vector {1, 2, 3};
            (void)vector[3 + s_zero];
        }),
            "index < m_size");
    }

    void empty_optional_value()
    {
        expect_abort(run_in_child([] {
            Optional<int> nothing;
            (void)nothing.value();
        }),
            "m_has_value");
    }

    void span_and_view_bounds()
    {
        expect_abort(run_in_child([] {
            int values[2] = {};
            Span<int> span(values);
            (void)span.slice(1 + s_zero, 2);
        }),
            "failed");
        expect_abort(run_in_child([] { (void)"abc"sv.substring_view(2 + s_zero, 5); }), "failed");
    }

    void take_last_of_empty_vector()
    {
        expect_abort(run_in_child([] {
            Vector<int> vector;
            (void)vector.take_last();
        }),
            "m_size > 0");
    }
};

PHANTOM_BASE_TEST(VerifyTest, "verify");
#include "TestVerify.moc"
