/*
 * tests/unit/TestSelfTest.cpp: Base::run_self_test() — the check both ports run as
 * `test=base` — passes on the host and says so in the log.
 */

#include "BaseTestSupport.h"

#include <QTest>
#include <base/SelfTest.h>

using BaseTests::AllocationFailureScope;

class SelfTestTest : public QObject {
    Q_OBJECT

private slots:
    void passes_on_the_host()
    {
        ErrorOr<void> result;
        QString log = BaseTests::capture_stderr([&] { result = Base::run_self_test(); });
        if (result.is_error())
            qWarning().noquote() << log;
        QVERIFY(!result.is_error());
        QVERIFY(log.contains("phantom: self test: base: all "));
        QVERIFY(log.contains(" checks passed"));
        QVERIFY(!log.contains("FAILED"));
    }

    // Without memory the run must fail and say so, not crash: its containers hit their
    // OutOfMemory paths and the checks that depend on them are reported.
    void fails_cleanly_without_memory()
    {
        ErrorOr<void> result;
        QString log = BaseTests::capture_stderr([&] {
            AllocationFailureScope no_memory(0);
            result = Base::run_self_test();
        });
        QVERIFY(result.is_error());
        QCOMPARE(result.error().code(), ErrorCode::SelfTestFailed);
        QVERIFY(log.contains("FAILED"));
    }
};

PHANTOM_BASE_TEST(SelfTestTest, "self_test");
#include "TestSelfTest.moc"
