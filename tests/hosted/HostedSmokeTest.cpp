/*
 * The hosted port's first light: phantom-hosted prints the same banner and `ready in` line
 * as the kernel, runs base/'s self-test, reports a deliberate fault as a panic with a
 * symbolized backtrace, and rejects an unknown test by name.
 */
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

class HostedSmokeTest : public QObject {
    Q_OBJECT

private:
    struct Run {
        int exit_code {-1};
        QString output;
    };

    static Run run_hosted(QStringList const& arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(PHANTOM_HOSTED_EXECUTABLE), arguments);
        if (!process.waitForFinished(60'000)) {
            process.kill();
            process.waitForFinished();
            return {-1, QString::fromUtf8(process.readAll()) + "\n[timed out after 60 s]"};
        }
        Run run;
        run.exit_code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.output = QString::fromUtf8(process.readAll());
        return run;
    }

    static bool every_line_is_tagged(QString const& output)
    {
        for (QString const& line : output.split('\n', Qt::SkipEmptyParts)) {
            if (!line.startsWith("phantom: "))
                return false;
        }
        return true;
    }

private slots:
    void banner_and_ready_line()
    {
        Run run = run_hosted({"test=ready"});
        QVERIFY2(run.output.contains(
                     "phantom: Phantom 0.1.0 on hosted linux x86-64: a persistent object system\n"),
            qPrintable(run.output));
        QVERIFY2(QRegularExpression("^phantom: ready in \\d+ ms$", QRegularExpression::MultilineOption)
                     .match(run.output)
                     .hasMatch(),
            qPrintable(run.output));
        QVERIFY2(every_line_is_tagged(run.output), qPrintable(run.output));
        QCOMPARE(run.exit_code, 0);
    }

    void base_self_test_passes()
    {
        Run run = run_hosted({"test=base"});
        QVERIFY2(run.output.contains("phantom: test base: pass"), qPrintable(run.output));
        QCOMPARE(run.exit_code, 0);
    }

    void page_fault_is_reported_with_symbols()
    {
        Run run = run_hosted({"test=page_fault"});
        QCOMPARE(run.exit_code, 3);
        QVERIFY2(run.output.contains("phantom: PANIC: signal 11 SIGSEGV (page fault) address=0xdead000"),
            qPrintable(run.output));
        QVERIFY2(QRegularExpression(
                     "rip=0x[0-9a-f]{16} <Hosted::Tests::deliberate_page_fault\\(\\)\\+0x[0-9a-f]+>")
                     .match(run.output)
                     .hasMatch(),
            qPrintable(run.output));
        QVERIFY2(QRegularExpression("#1 0x[0-9a-f]{16} Hosted::run_test\\(Base::StringView\\)\\+0x")
                     .match(run.output)
                     .hasMatch(),
            qPrintable(run.output));
        QVERIFY2(run.output.contains("phantom: PANIC end"), qPrintable(run.output));
    }

    void divide_error_is_reported()
    {
        Run run = run_hosted({"test=divide_error"});
        QCOMPARE(run.exit_code, 3);
        QVERIFY2(run.output.contains("SIGFPE (divide error)"), qPrintable(run.output));
        QVERIFY2(run.output.contains("Hosted::Tests::deliberate_divide_error(int)"), qPrintable(run.output));
    }

    void unknown_test_fails_by_name()
    {
        Run run = run_hosted({"test=no_such_test"});
        QCOMPARE(run.exit_code, 1);
        QVERIFY2(run.output.contains("phantom: unknown test 'no_such_test'; known tests: ready base"),
            qPrintable(run.output));
    }

    void bad_argument_is_a_usage_error()
    {
        Run run = run_hosted({"--frobnicate"});
        QCOMPARE(run.exit_code, 2);
        QVERIFY2(run.output.contains("usage: phantom-hosted"), qPrintable(run.output));
    }
};

QTEST_GUILESS_MAIN(HostedSmokeTest)
#include "HostedSmokeTest.moc"
