// SystemTest.h: what a Qt Test system test includes.
//
// MACHINE_VERIFY(machine, expression) checks a harness call and, when it fails, prints
// machine.failure() (what happened, the machine's state, the last serial lines):
//     MACHINE_VERIFY(machine, machine.start());
//     auto ready = machine.wait_for_serial_text("phantom: ready in", 60s);
//     MACHINE_VERIFY(machine, ready);
// MACHINE_CHECK(machine, condition, message) checks a test's own condition and, when it is
// false, prints the message followed by the same machine report:
//     MACHINE_CHECK(machine, blue.fraction > 0.5, "the screen is not mostly VGA blue");
// Both return from the test function on failure, like QVERIFY.
#pragma once

#include <tests/system/harness/Environment.h>
#include <tests/system/harness/ImageMatching.h>
#include <tests/system/harness/MachineConfiguration.h>
#include <tests/system/harness/QemuMachine.h>
#include <tests/system/harness/Verdict.h>

#include <QTest>

// The expression is evaluated before the message is built, so failure() is the fresh one.
#define MACHINE_VERIFY(machine, expression)                                                                  \
    do {                                                                                                     \
        bool const machine_verify_ok = static_cast<bool>(expression);                                        \
        if (!QTest::qVerify(                                                                                 \
                machine_verify_ok, #expression, qPrintable((machine).failure()), __FILE__, __LINE__))        \
            return;                                                                                          \
    } while (false)

#define MACHINE_CHECK(machine, condition, message)                                                           \
    do {                                                                                                     \
        if (!static_cast<bool>(condition)) {                                                                 \
            QTest::qFail(                                                                                    \
                qPrintable((machine).explain(                                                                \
                    QStringLiteral("'%1' is false: %2").arg(QLatin1String(#condition), QString(message)))),  \
                __FILE__, __LINE__);                                                                         \
            return;                                                                                          \
        }                                                                                                    \
    } while (false)
