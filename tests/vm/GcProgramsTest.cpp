/*
 * tests/vm/GcProgramsTest.cpp: the collector under the real interpreter. Every program of
 * tests/lang/programs (except those that import files or read the clock) runs twice in this
 * process: with the default heap options, where small programs hardly collect, and with a
 * collector that starts a cycle every few kilobytes and works in tiny incremental steps, so
 * that marking constantly overlaps the interpreter's stores (write barrier) and stack pushes
 * (Stack rescans). Output, errors and exit status must be the same, and the heap must verify.
 * CTest: vm.gc_programs.
 */
#include "ReloadTestSupport.h"
#include <QDir>
#include <QFile>
#include <QtTest>

using namespace VM;
using namespace HeapTestSupport;
using namespace ReloadTestSupport;

namespace {

struct Outcome {
    QString output;
    QString errors;
    int status {-1};
    bool heap_verified {false};
    u64 collections {0};
};

Outcome run(VM::ProgramImage const& program, HeapOptions options)
{
    Outcome outcome;
    Mapping mapping(64 * 1024 * 1024);
    TestHost host;
    {
        auto heap = MUST(Heap::create(mapping.base(), mapping.size(), options));
        auto vm = MUST(VirtualMachine::create(*heap, host));
        String message;
        if (vm->load(program, &message).is_error()) {
            outcome.errors = "load failed: " + QString(message.characters());
            return outcome;
        }
        auto status = vm->run_main();
        outcome.status = status.is_error() ? -2 : status.value();
        outcome.heap_verified = !heap->verify().is_error();
        outcome.collections = heap->statistics().collections;
    }
    outcome.output = host.output;
    outcome.errors = host.errors;
    return outcome;
}

} // namespace

class GcProgramsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void programsAgreeUnderIncrementalCollection();
    void objectsMovedDuringMarkingSurvive();
};

void GcProgramsTest::programsAgreeUnderIncrementalCollection()
{
    QDir directory(PHANTOM_LANG_PROGRAMS);
    auto files = directory.entryList({"*.ph"}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        QSKIP("tests/lang/programs has no programs yet");
    HeapOptions busy;
    busy.minimum_trigger_bytes = 256;
    busy.step_work_bytes = 32;
    busy.work_per_allocated_byte = 2;
    int compared = 0;
    u64 collections = 0;
    for (auto const& name : files) {
        QFile file(directory.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray source = file.readAll();
        if (source.contains("import ") || source.contains("clock(") || source.contains("sleep("))
            continue;
        VM::ProgramImage program;
        QString diagnostics;
        // Programs that are meant not to compile test the compiler, not the collector.
        if (!compile(name.toUtf8().constData(), source.constData(), program, diagnostics))
            continue;
        auto baseline = run(program, {});
        auto incremental = run(program, busy);
        QVERIFY2(incremental.heap_verified, qPrintable(name));
        QVERIFY2(incremental.output == baseline.output, qPrintable(name + ": output differs"));
        QVERIFY2(incremental.errors == baseline.errors, qPrintable(name + ": errors differ"));
        QVERIFY2(incremental.status == baseline.status, qPrintable(name + ": status differs"));
        collections += incremental.collections;
        ++compared;
    }
    qInfo("%d programs compared, %llu collections in the incremental runs", compared,
        static_cast<unsigned long long>(collections));
    QVERIFY(compared > 0);
    QVERIFY(collections > u64(compared));
}

// Objects move between boxes through locals while marking runs: the value read into a local
// (the thread's Stack, no barrier) and stored into another box (the barrier) is, at that
// moment, referenced by nothing else. Losing one would change the sum or crash.
void GcProgramsTest::objectsMovedDuringMarkingSurvive()
{
    char const* source = R"(
class Holder {
    var item
    init(item) {
        this.item = item
    }
}
fun churn(rounds) {
    var boxes = []
    var i = 0
    while (i < 64) {
        boxes.push(Holder(Holder(i)))
        i = i + 1
    }
    var round = 0
    while (round < rounds) {
        let from = boxes[(round * 7) % 64]
        let to = boxes[(round * 13 + 5) % 64]
        let moved = from.item
        from.item = nil
        var garbage = [round, [round + 1], "x" + round.toString()]
        from.item = to.item
        to.item = moved
        round = round + 1
    }
    var total = 0
    for (box in boxes) {
        total = total + box.item.item
    }
    return total
}
print(churn(20000))
)";
    VM::ProgramImage program;
    QString diagnostics;
    QVERIFY2(compile("churn.ph", source, program, diagnostics), qPrintable(diagnostics));
    for (u64 step : {u64(16), u64(64), u64(512)}) {
        HeapOptions options;
        options.minimum_trigger_bytes = 1024;
        options.trigger_percent = 10;
        options.step_work_bytes = step;
        options.work_per_allocated_byte = 1;
        auto outcome = run(program, options);
        QCOMPARE(outcome.errors, QString());
        QCOMPARE(outcome.output, QString("2016\n"));
        QVERIFY(outcome.heap_verified);
        qInfo("step %llu: %llu collections", static_cast<unsigned long long>(step),
            static_cast<unsigned long long>(outcome.collections));
        QVERIFY(outcome.collections > 3);
    }
}

QTEST_GUILESS_MAIN(GcProgramsTest)
#include "GcProgramsTest.moc"
