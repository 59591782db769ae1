// Verdict: how a QEMU run of the kernel ended, with a readable name.
//
// The kernel reports a test verdict by writing to the isa-debug-exit port; QEMU then exits
// with status (value << 1) | 1: 33 pass, 35 fail, 37 panic. Every other ending (a normal
// QEMU exit, an error, a signal, a harness timeout or power cut) gets its own kind, so
// that a failure message can say what actually happened.
#pragma once

#include <QString>

namespace SystemTest {

enum class VerdictKind {
    NotFinished,    // QEMU has not exited yet (or was never started)
    Pass,           // exit status 33: the kernel wrote 0x10
    Fail,           // exit status 35: the kernel wrote 0x11
    Panic,          // exit status 37: the kernel wrote 0x12 after a panic in test mode
    Shutdown,       // exit status 0: guest power-off, or a reset/triple fault under -no-reboot
    QemuError,      // exit status 1: QEMU refused the command line or failed to load the kernel
    UnexpectedExit, // any other exit status (another value written to isa-debug-exit)
    Crashed,        // QEMU died from a signal the harness did not send
    PowerCut,       // the harness killed QEMU on request (QemuMachine::power_cut)
    Timeout,        // the harness killed QEMU because the deadline passed
};

class Verdict {
public:
    Verdict() = default;

    static Verdict from_exit_status(int exit_status);
    static Verdict from_signal(int signal_number);
    static Verdict power_cut() { return Verdict(VerdictKind::PowerCut, -1, 9); }
    static Verdict timeout() { return Verdict(VerdictKind::Timeout, -1, 9); }

    VerdictKind kind() const { return m_kind; }
    bool is(VerdictKind kind) const { return m_kind == kind; }
    int exit_status() const { return m_exit_status; }
    int signal_number() const { return m_signal_number; }

    // "pass (QEMU exit status 33)", "crashed (signal 11)", ...
    QString description() const;

    static QString kind_name(VerdictKind);

private:
    Verdict(VerdictKind kind, int exit_status, int signal_number)
        : m_kind(kind)
        , m_exit_status(exit_status)
        , m_signal_number(signal_number)
    { }

    VerdictKind m_kind {VerdictKind::NotFinished};
    int m_exit_status {-1};
    int m_signal_number {0};
};

// The isa-debug-exit exit statuses of the kernel contract.
constexpr int exit_status_pass = 33;
constexpr int exit_status_fail = 35;
constexpr int exit_status_panic = 37;

} // namespace SystemTest
