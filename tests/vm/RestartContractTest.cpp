/*
 * tests/vm/RestartContractTest.cpp: the restart contract (vm/Restart.h, vm/RestartList.h,
 * docs/persistence.md). A program runs until it prints "ready" with threads blocked inside
 * natives; its heap image is copied, the heap, VM and mapping go away, the copy is mapped again
 * at the same address and restart() brings a NEW VM up over it; then the program finishes.
 * - policies: a thread in Channel.readLine runs it again (Reexecute) and gets the line sent
 *   after the restart; threads in Channel.wait get Restarted (Fail), caught with its message or
 *   reported uncaught; threads in Mutex.lock and sleep go on waiting (Continue);
 * - timers and "resumed after Δt": a periodic timer keeps firing across the restart, a
 *   one-shot timer keeps the time it had left (previous_monotonic_ns), and an onResumed
 *   subscriber is called with the downtime;
 * - the restart list: objects re-attach through their class's hook in registration order,
 *   before any blocked native is dealt with; dead objects drop off; a failing hook is reported.
 * CTest: vm.restart_contract.
 */
#include "ReloadTestSupport.h"
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>
#include <vm/Collections.h>
#include <vm/Restart.h>
#include <vm/RestartList.h>

using namespace VM;
using namespace HeapTestSupport;
using namespace ReloadTestSupport;

namespace {

constexpr size_t heap_size = 32 * 1024 * 1024;

// A heap image taken at a safepoint, and what the program printed until then.
struct Cut {
    void* address {nullptr};
    QByteArray image;
    QString output;
    QString errors;
    u64 ready_monotonic_ns {0};
};

bool compile_and_load(VirtualMachine& vm, char const* path, char const* source)
{
    ProgramImage program;
    QString diagnostics;
    if (!compile(path, source, program, diagnostics)) {
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

// Runs static `entry` of the program until it prints a line starting with "ready", stops the
// VM at the next safepoint and copies the image. `prepare` may add objects before the run.
bool run_until_ready(char const* path, char const* source, char const* class_name, char const* entry,
    Cut& cut, Span<NativeClass const> classes = {}, std::function<void(VirtualMachine&)> const& prepare = {},
    HeapOptions heap_options = {})
{
    Mapping mapping(heap_size);
    cut.address = mapping.base();
    {
        TestHost host;
        auto heap = MUST(Heap::create(mapping.base(), mapping.size(), heap_options));
        auto vm = MUST(VirtualMachine::create(*heap, host));
        for (auto const& native_class : classes)
            MUST(vm->register_native_class(native_class));
        if (!compile_and_load(*vm, path, source))
            return false;
        if (prepare)
            prepare(*vm);
        host.on_write = [&](int) {
            if (host.output.contains("ready") && cut.ready_monotonic_ns == 0) {
                cut.ready_monotonic_ns = host.monotonic_nanoseconds();
                vm->request_safepoint();
            }
        };
        MUST(vm->spawn_static(
            StringView(class_name, std::strlen(class_name)), StringView(entry, std::strlen(entry))));
        MUST(vm->run());
        host.on_write = nullptr;
        cut.output = host.output;
        cut.errors = host.errors;
        if (cut.ready_monotonic_ns == 0) {
            qWarning("the program ended without printing ready: %s %s", qPrintable(host.output),
                qPrintable(host.errors));
            return false;
        }
        cut.image = mapping.bytes();
    }
    return true;
}

// The process "dies" and a new one maps the image again at the same address.
struct Resumed {
    explicit Resumed(Cut const& cut)
        : mapping(heap_size, cut.address)
    {
        if (mapping.base() == cut.address)
            std::memcpy(mapping.base(), cut.image.constData(), size_t(cut.image.size()));
    }
    ~Resumed() { delete restarted; } // the VM goes before its heap (RestartedVM's order)
    bool start(RestartOptions const& options)
    {
        if (mapping.base() == nullptr)
            return false;
        auto result = restart(mapping.base(), mapping.size(), host, options);
        if (result.is_error()) {
            qWarning("restart: %s", qPrintable(to_qstring(result.error().message())));
            return false;
        }
        restarted = new RestartedVM(result.release_value());
        return true;
    }
    VirtualMachine& vm() { return *restarted->vm; }

    Mapping mapping;
    TestHost host;
    RestartedVM* restarted {nullptr};
};

// A client of a hosted unix-socket channel.
class SocketClient {
public:
    ~SocketClient()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool connect_to(QString const& path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        auto bytes = path.toUtf8();
        std::memcpy(address.sun_path, bytes.constData(), size_t(bytes.size()));
        return ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    bool send(char const* text)
    {
        return ::write(m_fd, text, std::strlen(text)) == ssize_t(std::strlen(text));
    }
    // What arrives within `timeout_ms` (generous; returns as soon as `until` was received).
    QByteArray receive(QByteArray const& until, int timeout_ms)
    {
        QByteArray received;
        QElapsedTimer timer;
        timer.start();
        while (!received.contains(until) && timer.elapsed() < timeout_ms) {
            char buffer[256];
            ssize_t count = ::recv(m_fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (count > 0)
                received.append(buffer, count);
            else
                QTest::qWait(5);
        }
        return received;
    }

private:
    int m_fd {-1};
};

// The test's internal class on the restart list: a Probe records its re-attachment.
std::vector<std::string> s_events;

namespace ProbeSlot {
    constexpr u32 label = 0;
}
constexpr StringView probe_fields[] = {"$label"sv};

ErrorOr<void> probe_reattach(VirtualMachine& vm, Value probe, ResumeClock const&)
{
    auto label = text_of(probe.as_object()->slots()[ProbeSlot::label]);
    std::string event(label.characters_without_null_termination(), label.length());
    // What the hook sees: how many threads are still blocked inside Channel.wait (a restart
    // makes that call throw, after the restart list).
    int blocked = 0;
    for (auto thread : vm.threads()) {
        auto call = vm.blocked_call(thread);
        if (call.has_value() && is_kind(call->method, ObjectKind::Method)
            && text_of(call->method.as_object()->slots()[MethodSlot::name]) == "wait"sv)
            ++blocked;
    }
    s_events.push_back(event + " blocked=" + std::to_string(blocked));
    if (label == "broken"sv)
        return Error::with_message(ErrorCode::InvalidFormat, "the probe refuses"sv);
    return {};
}

constexpr NativeClass probe_classes[] = {
    {"Probe"sv, ""sv, probe_fields, {}, probe_reattach},
};

Value make_probe(VirtualMachine& vm, StringView label)
{
    auto probe = MUST(vm.make_instance(vm.find_class("Probe"sv)));
    Handle keep(vm.heap(), probe);
    auto text = MUST(vm.make_string(label));
    vm.heap().write(keep.object(), ProbeSlot::label, text);
    MUST(restart_list_add(vm, keep.value()));
    return keep.value();
}

char const* const policies_source = R"(
fun reader(channel) {
    let line = channel.readLine()
    print("reader got ${line}")
    channel.write("pong ${line}\n")
}
fun waiter(channel) {
    try {
        let input = channel.wait(20000)
        print("waiter returned ${input}")
    } catch (e: Restarted) {
        print("waiter caught: ${e.message()}")
    }
}
fun scenario() {
    let channel = Channel.open("rtest")
    let mutex = Mutex()
    mutex.lock()
    let threads = [
        Thread.spawn(fun() { reader(channel) }),
        Thread.spawn(fun() { waiter(channel) }),
        Thread.spawn(fun() { channel.wait(20000) }),
        Thread.spawn(fun() {
            mutex.lock()
            print("locker got the mutex")
            mutex.unlock()
        }),
        Thread.spawn(fun() {
            sleep(300)
            print("sleeper woke")
        })
    ]
    sleep(30)
    print("ready")
    sleep(50)
    mutex.unlock()
    for (thread in threads) thread.join()
    print("done")
}
)";

char const* const timers_source = R"(
var ticks = 0
fun scenario() {
    ticks = 0 // the file's top-level code does not run: the test starts this function
    let periodic = Timer.every(10, fun() { ticks += 1 })
    let late = Timer.after(60000, fun() { print("late timer fired") })
    System.onResumed(fun(ms) {
        print("resumed after ${ms} ms, count ${System.resumeCount()}, late in ${late.remaining()} ms")
    })
    let sleeper = Thread.spawn(fun() {
        sleep(60000)
        print("sleeper woke")
    })
    while (ticks < 3) sleep(5)
    print("ready ${late.remaining()}")
    while (ticks < 6) sleep(5)
    periodic.cancel()
    print("ticks done ${periodic.fired()} ${periodic.isActive()}")
    while (late.isActive()) sleep(5)
    sleeper.join()
    print("done ${late.fired()}")
}
)";

} // namespace

class RestartContractTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_directory.isValid());
        m_socket = m_directory.filePath("rtest.sock");
        qputenv("PHANTOM_CHANNEL_RTEST", m_socket.toUtf8());
    }
    void eachNativeFollowsItsPolicy();
    void policiesHoldUnderGcStress();
    void timersAndSubscribersSurviveARestart();
    void restartListReattachesInOrder();

private:
    void check_policies(HeapOptions);

    QTemporaryDir m_directory;
    QString m_socket;
};

void RestartContractTest::eachNativeFollowsItsPolicy() { check_policies({}); }

// The same with a full collection before every allocation, before and after the restart: a
// value the restart code holds without a Handle would be collected and show up here.
void RestartContractTest::policiesHoldUnderGcStress()
{
    HeapOptions stress;
    stress.stress = GcStress::Yes;
    check_policies(stress);
}

void RestartContractTest::check_policies(HeapOptions heap_options)
{
    Cut cut;
    QVERIFY(
        run_until_ready("policies.ph", policies_source, "policies", "scenario", cut, {}, {}, heap_options));
    QVERIFY2(!cut.output.contains("reader got") && !cut.output.contains("waiter")
            && !cut.output.contains("locker") && !cut.output.contains("sleeper"),
        qPrintable(cut.output));

    Resumed resumed(cut);
    RestartOptions options;
    options.downtime_ms = 1234;
    options.check = ImageCheck::Full;
    options.heap = heap_options;
    QVERIFY(resumed.start(options));
    auto const& report = resumed.restarted->report;
    // The reader ran readLine again (and waits again: no peer has sent anything yet).
    QCOMPARE(report.reexecuted_calls, 1u);
    // Both Channel.wait calls threw Restarted.
    QCOMPARE(report.failed_calls, 2u);
    // The locker (Mutex.lock), the sleeper and main (sleep, or join) go on waiting.
    QVERIFY2(report.continued_calls >= 2, qPrintable(QString::number(report.continued_calls)));
    QCOMPARE(report.reattached_objects, 1u); // the channel
    QCOMPARE(report.resume_subscribers, 0u);
    QVERIFY2(resumed.host.errors.contains("Uncaught Restarted: Channel.wait was interrupted by a restart "
                                          "(the world was away 1234 ms)"),
        qPrintable(resumed.host.errors));

    SocketClient client;
    QVERIFY(client.connect_to(m_socket));
    QVERIFY(client.send("hello\r\nrest"));
    MUST(resumed.vm().run());
    QString output = resumed.host.output;
    QVERIFY2(output.contains(
                 "waiter caught: Channel.wait was interrupted by a restart (the world was away 1234 ms)"),
        qPrintable(output));
    QVERIFY2(output.contains("reader got hello\n"), qPrintable(output));
    QVERIFY2(output.contains("locker got the mutex") && output.contains("sleeper woke"), qPrintable(output));
    QVERIFY2(output.endsWith("done\n"), qPrintable(output));
    QVERIFY(!output.contains("waiter returned"));
    QCOMPARE(client.receive("pong hello\n", 30'000), QByteArray("pong hello\n"));
    QVERIFY(resumed.restarted->heap->verify().is_error() == false);
}

void RestartContractTest::timersAndSubscribersSurviveARestart()
{
    Cut cut;
    QVERIFY(run_until_ready("timers.ph", timers_source, "timers", "scenario", cut));
    QRegularExpression ready("ready (\\d+)\n");
    auto match = ready.match(cut.output);
    QVERIFY2(match.hasMatch(), qPrintable(cut.output));
    // The late timer's deadline on this run's clock; the "previous run" was last seen running
    // 100 ms before it, so after the restart it has 100 ms left (not the minute it had).
    u64 deadline = cut.ready_monotonic_ns + match.captured(1).toULongLong() * 1000000;
    QVERIFY(match.captured(1).toLongLong() > 30000);

    Resumed resumed(cut);
    RestartOptions options;
    options.downtime_ms = 4321;
    options.previous_monotonic_ns = deadline - 100'000'000;
    QVERIFY(resumed.start(options));
    QCOMPARE(resumed.restarted->report.reattached_objects, 2u); // both timers
    QCOMPARE(resumed.restarted->report.resume_subscribers, 1u);
    // The sleepers kept the time they had left then: the minute-long one has about 100 ms.
    u64 now = resumed.host.monotonic_nanoseconds();
    int sleepers = 0;
    for (auto const& thread : resumed.restarted->threads) {
        if (thread.state != ThreadState::Sleeping)
            continue;
        ++sleepers;
        auto wake = static_cast<u64>(thread.thread.as_object()->slots()[ThreadSlot::wake_time].as_integer());
        QVERIFY2(
            wake <= now + 200'000'000, qPrintable(QString("wakes in %1 ms").arg((wake - now) / 1000000)));
    }
    QVERIFY(sleepers >= 1);
    QVERIFY(resumed.restarted->report.shifted_deadlines >= 1);
    MUST(resumed.vm().run());
    QString output = resumed.host.output;
    QRegularExpression resumed_line("resumed after 4321 ms, count 1, late in (\\d+) ms\n");
    auto resumed_match = resumed_line.match(output);
    QVERIFY2(resumed_match.hasMatch(), qPrintable(output));
    QVERIFY2(resumed_match.captured(1).toInt() <= 200, qPrintable(output));
    QRegularExpression ticks("ticks done (\\d+) false\n");
    auto ticks_match = ticks.match(output);
    QVERIFY2(ticks_match.hasMatch(), qPrintable(output));
    QVERIFY(ticks_match.captured(1).toInt() >= 6);
    QVERIFY2(output.contains("late timer fired\n") && output.contains("sleeper woke\n")
            && output.contains("done 1\n"),
        qPrintable(output));
    QVERIFY2(resumed.host.errors.isEmpty(), qPrintable(resumed.host.errors));
}

void RestartContractTest::restartListReattachesInOrder()
{
    s_events.clear();
    char const* source = R"(
fun scenario() {
    let channel = Channel.open("rtest")
    let reader = Thread.spawn(fun() { print("got ${channel.read(100)}") })
    let waiter = Thread.spawn(fun() {
        try {
            channel.wait(20000)
        } catch (e: Restarted) {
            print("waiter restarted")
        }
    })
    sleep(20)
    print("ready")
    reader.join()
    waiter.join()
}
)";
    Cut cut;
    auto prepare = [](VirtualMachine& vm) {
        Value first = make_probe(vm, "first"sv);
        MUST(vm.set_global(MUST(vm.intern("first"sv)), first));
        (void)make_probe(vm, "garbage"sv); // unreachable: drops off the list
        Value broken = make_probe(vm, "broken"sv);
        MUST(vm.set_global(MUST(vm.intern("broken"sv)), broken));
        Value last = make_probe(vm, "last"sv);
        MUST(vm.set_global(MUST(vm.intern("last"sv)), last));
        vm.heap().collect();
        QCOMPARE(restart_list_length(vm), 3u);
    };
    QVERIFY(run_until_ready("probes.ph", source, "probes", "scenario", cut, probe_classes, prepare));
    QVERIFY(s_events.empty());

    Resumed resumed(cut);
    RestartOptions options;
    options.extra_classes = probe_classes;
    QVERIFY(resumed.start(options));
    // In registration order, the dead one gone, each while the waiter is still blocked in
    // Channel.wait (restart policies come after the restart list). The channel came after the
    // probes (the program made it when it ran).
    std::vector<std::string> expected {"first blocked=1", "broken blocked=1", "last blocked=1"};
    QCOMPARE(s_events, expected);
    auto const& report = resumed.restarted->report;
    QCOMPARE(report.reattached_objects, 3u); // two probes and the channel
    QCOMPARE(report.failed_reattachments, 1u);
    QVERIFY2(resumed.host.errors.contains("restart: a Probe could not be re-attached: the probe refuses"),
        qPrintable(resumed.host.errors));
    QCOMPARE(report.reexecuted_calls, 1u);
    QCOMPARE(report.failed_calls, 1u);

    SocketClient client;
    QVERIFY(client.connect_to(m_socket));
    QVERIFY(client.send("bytes"));
    MUST(resumed.vm().run());
    QVERIFY2(resumed.host.output.contains("got bytes") && resumed.host.output.contains("waiter restarted"),
        qPrintable(resumed.host.output));
}

QTEST_GUILESS_MAIN(RestartContractTest)
#include "RestartContractTest.moc"
