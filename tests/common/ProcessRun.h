/*
 * tests/common/ProcessRun.h: runs a host program to completion for a test and keeps its
 * exit status and both output streams. A crash or a timeout reads as exit status -1.
 */
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

namespace TestSupport {

struct ProcessRun {
    int exit_code {-1};
    QString out;
    QString err;
};

inline ProcessRun run_process(QString const& program, QStringList const& arguments, int timeout_ms = 120'000)
{
    QProcess process;
    process.start(program, arguments);
    ProcessRun run;
    if (!process.waitForFinished(timeout_ms) || process.exitStatus() != QProcess::NormalExit) {
        process.kill();
        process.waitForFinished();
        return run;
    }
    run.exit_code = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace TestSupport
