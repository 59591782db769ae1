// Verdict: mapping QEMU exit statuses and signals to the kinds of the kernel contract.
#include <tests/system/harness/Verdict.h>

namespace SystemTest {

Verdict Verdict::from_exit_status(int exit_status)
{
    switch (exit_status) {
    case exit_status_pass:
        return Verdict(VerdictKind::Pass, exit_status, 0);
    case exit_status_fail:
        return Verdict(VerdictKind::Fail, exit_status, 0);
    case exit_status_panic:
        return Verdict(VerdictKind::Panic, exit_status, 0);
    case 0:
        return Verdict(VerdictKind::Shutdown, exit_status, 0);
    case 1:
        return Verdict(VerdictKind::QemuError, exit_status, 0);
    default:
        return Verdict(VerdictKind::UnexpectedExit, exit_status, 0);
    }
}

Verdict Verdict::from_signal(int signal_number) { return Verdict(VerdictKind::Crashed, -1, signal_number); }

QString Verdict::kind_name(VerdictKind kind)
{
    switch (kind) {
    case VerdictKind::NotFinished:
        return QStringLiteral("not finished");
    case VerdictKind::Pass:
        return QStringLiteral("pass");
    case VerdictKind::Fail:
        return QStringLiteral("fail");
    case VerdictKind::Panic:
        return QStringLiteral("panic");
    case VerdictKind::Shutdown:
        return QStringLiteral("shutdown");
    case VerdictKind::QemuError:
        return QStringLiteral("QEMU error");
    case VerdictKind::UnexpectedExit:
        return QStringLiteral("unexpected exit");
    case VerdictKind::Crashed:
        return QStringLiteral("crashed");
    case VerdictKind::PowerCut:
        return QStringLiteral("power cut");
    case VerdictKind::Timeout:
        return QStringLiteral("timeout");
    }
    return QStringLiteral("unknown");
}

QString Verdict::description() const
{
    switch (m_kind) {
    case VerdictKind::NotFinished:
        return QStringLiteral("not finished (QEMU is still running or was never started)");
    case VerdictKind::Pass:
    case VerdictKind::Fail:
    case VerdictKind::Panic:
        return QStringLiteral("%1 (QEMU exit status %2)").arg(kind_name(m_kind)).arg(m_exit_status);
    case VerdictKind::Shutdown:
        return QStringLiteral("shutdown (QEMU exit status 0: guest power-off, or a reset or triple fault "
                              "under -no-reboot; no isa-debug-exit verdict)");
    case VerdictKind::QemuError:
        return QStringLiteral(
            "QEMU error (exit status 1: bad command line or kernel image; see QEMU's output)");
    case VerdictKind::UnexpectedExit:
        return QStringLiteral("unexpected exit (QEMU exit status %1, isa-debug-exit value 0x%2 is not in "
                              "the contract)")
            .arg(m_exit_status)
            .arg(QString::number(m_exit_status >> 1, 16));
    case VerdictKind::Crashed:
        return QStringLiteral("crashed (QEMU killed by signal %1)").arg(m_signal_number);
    case VerdictKind::PowerCut:
        return QStringLiteral("power cut (QEMU killed by the harness on request)");
    case VerdictKind::Timeout:
        return QStringLiteral("timeout (QEMU killed by the harness after the deadline)");
    }
    return QStringLiteral("unknown");
}

} // namespace SystemTest
