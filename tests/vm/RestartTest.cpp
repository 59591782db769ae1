/*
 * tests/vm/RestartTest.cpp: restart support (vm/Restart.h). A program runs partway (stopped
 * at a safepoint after a few lines of output), its heap image is copied, the heap and VM are
 * destroyed and the mapping removed, a copy of the image is mapped again at the same address,
 * a NEW VM attaches to it, lists the threads and finishes the program: the output must equal
 * that of an uninterrupted run. Also: restart() rejects an image that is not a heap.
 * CTest: vm.restart.
 */
#include "ReloadTestSupport.h"
#include <QtTest>
#include <vm/Restart.h>

using namespace VM;
using namespace HeapTestSupport;
using namespace ReloadTestSupport;

namespace {

// Objects, a map, an array, a closure and two threads in flight at the interruption.
char const* const program_source = R"(
class Accumulator {
    var total
    var squares
    init() {
        this.total = 0
        this.squares = [:]
    }
    fun add(n, transform) {
        let value = transform(n)
        this.total = this.total + value
        this.squares[n] = value
        return this.total
    }
}
fun worker(name, count) {
    let accumulator = Accumulator()
    let history = []
    var i = 0
    while (i < count) {
        let total = accumulator.add(i, fun(x) { return x * x + 1 })
        history.push(total)
        print(name + " " + i.toString() + " " + total.toString())
        var spin = 0
        while (spin < 2000) {
            spin = spin + 1
        }
        i = i + 1
    }
    print(name + " done " + history.size().toString() + " " + accumulator.squares[count - 1].toString())
}
fun first() {
    worker("a", 12)
}
fun second() {
    worker("b", 9)
}
)";

constexpr size_t heap_size = 32 * 1024 * 1024;

bool load(VirtualMachine& vm)
{
    ProgramImage program;
    QString diagnostics;
    if (!compile("restart.ph", program_source, program, diagnostics)) {
        qWarning("%s", qPrintable(diagnostics));
        return false;
    }
    String message;
    if (vm.load(program, &message).is_error()) {
        qWarning("load: %s", message.characters());
        return false;
    }
    return true;
}

} // namespace

class RestartTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void programContinuesOnACopiedImage();
    void garbageIsRejected();
};

// Runs the program's workers uninterrupted, or stops after `stop_after` lines, restarts a new
// VM on a copy of the image and finishes; returns the whole output.
static QString run_program(QStringList const& workers, int stop_after, bool& ok)
{
    ok = false;
    Mapping mapping(heap_size);
    void* address = mapping.base();
    QByteArray image;
    QString before;
    {
        TestHost host;
        auto heap = MUST(Heap::create(mapping.base(), mapping.size()));
        auto vm = MUST(VirtualMachine::create(*heap, host));
        if (!load(*vm))
            return {};
        host.on_write = [&](int writes) {
            if (writes == stop_after)
                vm->request_safepoint();
        };
        for (auto const& worker : workers) {
            auto name = worker.toUtf8();
            MUST(vm->spawn_static("restart"sv, StringView(name.constData(), size_t(name.size()))));
        }
        MUST(vm->run());
        host.on_write = nullptr;
        before = host.output;
        if (stop_after == 0) {
            ok = true;
            return before;
        }
        if (host.writes != stop_after) {
            qWarning("the program did not stop after %d lines but after %d", stop_after, host.writes);
            return {};
        }
        image = mapping.bytes();
    }
    // The process "dies": its mapping goes away; the image comes back at the same address.
    mapping.unmap();
    Mapping again(heap_size, address);
    if (again.base() != address)
        return {};
    std::memcpy(again.base(), image.constData(), size_t(image.size()));

    TestHost host;
    RestartOptions options;
    options.check = ImageCheck::Full;
    auto restarted_or_error = restart(again.base(), again.size(), host, options);
    if (restarted_or_error.is_error()) {
        qWarning("restart: %s", qPrintable(to_qstring(restarted_or_error.error().message())));
        return {};
    }
    auto restarted = restarted_or_error.release_value();
    // The workers are there, unfinished, each with its frames.
    int unfinished = 0;
    for (auto const& thread : restarted.threads) {
        if (thread.state == ThreadState::Finished || thread.state == ThreadState::Failed)
            continue;
        ++unfinished;
        if (thread.frame_depth < 2 || thread_state_name(thread.state).is_empty())
            return {};
    }
    if (unfinished != workers.size()) {
        qWarning("%d unfinished threads after the restart", unfinished);
        return {};
    }
    MUST(restarted.vm->run());
    if (restarted.heap->verify().is_error())
        return {};
    for (auto const& thread : MUST(list_threads(*restarted.vm))) {
        if (thread.state != ThreadState::Finished)
            return {};
    }
    ok = true;
    return before + host.output;
}

// The lines one worker printed, in order.
static QStringList lines_of(QString const& output, QString const& worker)
{
    QStringList lines;
    for (auto const& line : output.split('\n')) {
        if (line.startsWith(worker + " "))
            lines << line;
    }
    return lines;
}

void RestartTest::programContinuesOnACopiedImage()
{
    // One thread: the output is exactly the uninterrupted one.
    bool ok;
    QString expected = run_program({"first"}, 0, ok);
    QVERIFY(ok);
    QVERIFY(expected.contains("a done 12 122"));
    for (int stop_after : {1, 5, 12}) {
        QString resumed = run_program({"first"}, stop_after, ok);
        QVERIFY2(ok, qPrintable(QString("stopping after %1 lines").arg(stop_after)));
        QCOMPARE(resumed, expected);
    }

    // Two threads: the scheduler's turn order starts afresh in the new VM, so the lines may
    // interleave differently, but each thread prints exactly what it would have.
    QString both = run_program({"first", "second"}, 0, ok);
    QVERIFY(ok);
    QString resumed = run_program({"first", "second"}, 5, ok);
    QVERIFY(ok);
    QCOMPARE(lines_of(resumed, "a"), lines_of(both, "a"));
    QCOMPARE(lines_of(resumed, "b"), lines_of(both, "b"));
    QVERIFY(resumed.contains("b done 9 65"));
}

void RestartTest::garbageIsRejected()
{
    Mapping mapping(heap_size);
    std::memset(mapping.base(), 0x5a, 1024 * 1024);
    TestHost host;
    auto restarted = restart(mapping.base(), mapping.size(), host);
    QVERIFY(restarted.is_error());
    QCOMPARE(restarted.error().code(), ErrorCode::InvalidFormat);
}

QTEST_GUILESS_MAIN(RestartTest)
#include "RestartTest.moc"
