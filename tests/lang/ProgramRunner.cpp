/*
 * tests/lang/ProgramRunner.cpp: runs one .ph test program through phantom-vm and compares
 * what happens with the expectations written inside the program:
 *
 *     // expect: a line of standard output        (in order; all lines must match exactly)
 *     // expect-error: 3:7: message               (a compile error at line 3, column 7)
 *     // expect-runtime-error: text               (exit status 1, stderr contains text)
 *     // expect-exit: N                            (the exit status; default 0, 2 with
 *                                                  compile errors, 1 with a runtime error)
 *     // expect-stderr: text                       (stderr contains text)
 *
 * Usage: phantom-lang-program-runner PHANTOM_VM PROGRAM.ph. Exit status 0 when the program
 * behaved as expected; otherwise the differences are printed and the status is 1.
 */
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <QTextStream>

#include <cstdio>

namespace {

struct Expectations {
    QStringList output;
    QStringList compile_errors;
    QStringList runtime_errors;
    QStringList stderr_texts;
    int exit_status {-1};
};

Expectations read_expectations(QString const& text)
{
    Expectations expectations;
    for (QString const& line : text.split('\n')) {
        int comment = line.indexOf("// expect");
        if (comment < 0)
            continue;
        QString rest = line.mid(comment + 3);
        auto take = [&](char const* prefix, QStringList& list) {
            QString key = QString::fromLatin1(prefix);
            if (!rest.startsWith(key))
                return false;
            QString value = rest.mid(key.size());
            if (value.startsWith(' '))
                value = value.mid(1);
            list.append(value);
            return true;
        };
        if (take("expect-error:", expectations.compile_errors)
            || take("expect-runtime-error:", expectations.runtime_errors)
            || take("expect-stderr:", expectations.stderr_texts) || take("expect:", expectations.output))
            continue;
        if (rest.startsWith("expect-exit:"))
            expectations.exit_status = rest.mid(12).trimmed().toInt();
    }
    if (expectations.exit_status < 0) {
        if (!expectations.compile_errors.isEmpty())
            expectations.exit_status = 2;
        else if (!expectations.runtime_errors.isEmpty())
            expectations.exit_status = 1;
        else
            expectations.exit_status = 0;
    }
    return expectations;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: phantom-lang-program-runner PHANTOM_VM PROGRAM.ph\n");
        return 2;
    }
    QString vm = QString::fromLocal8Bit(argv[1]);
    QString program = QString::fromLocal8Bit(argv[2]);
    QFile file(program);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", argv[2]);
        return 2;
    }
    auto expectations = read_expectations(QString::fromUtf8(file.readAll()));

    QProcess process;
    process.setWorkingDirectory(QFileInfo(program).absolutePath());
    process.start(vm, {QFileInfo(program).fileName()});
    if (!process.waitForFinished(120000)) {
        std::fprintf(stderr, "FAIL: %s did not finish within 120 s\n", argv[2]);
        process.kill();
        return 1;
    }
    QString out = QString::fromUtf8(process.readAllStandardOutput());
    QString err = QString::fromUtf8(process.readAllStandardError());
    int status = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;

    QStringList problems;
    QStringList lines = out.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    if (lines != expectations.output) {
        problems.append("standard output differs:");
        int count = qMax(lines.size(), expectations.output.size());
        for (int i = 0; i < count; ++i) {
            QString expected = i < expectations.output.size() ? expectations.output[i] : "<nothing>";
            QString actual = i < lines.size() ? lines[i] : "<nothing>";
            problems.append(QString("  line %1: expected [%2] got [%3]%4")
                                .arg(i + 1)
                                .arg(expected, actual, expected == actual ? "" : "   <--"));
        }
    }
    QString file_name = QFileInfo(program).fileName();
    for (QString const& error : expectations.compile_errors) {
        QString wanted = file_name + ":" + error.section(':', 0, 1) + ": error:" + error.section(':', 2);
        if (!err.contains(wanted))
            problems.append("missing compile error: " + wanted);
    }
    for (QString const& text : expectations.runtime_errors) {
        if (!err.contains(text))
            problems.append("missing runtime error: " + text);
    }
    for (QString const& text : expectations.stderr_texts) {
        if (!err.contains(text))
            problems.append("stderr lacks: " + text);
    }
    if (status != expectations.exit_status)
        problems.append(QString("exit status %1, expected %2").arg(status).arg(expectations.exit_status));
    if (expectations.compile_errors.isEmpty() && expectations.runtime_errors.isEmpty()
        && expectations.stderr_texts.isEmpty() && !err.isEmpty() && expectations.exit_status == 0)
        problems.append("unexpected output on stderr");

    if (problems.isEmpty())
        return 0;
    QTextStream report(stderr);
    report << "FAIL: " << program << "\n";
    for (auto const& problem : problems)
        report << "  " << problem << "\n";
    report << "--- stderr ---\n" << err << "--------------\n";
    return 1;
}
