/*
 * tests/vm/HotReloadTest.cpp: unit tests of hot reload (vm/HotReload.h), one per case: new
 * and changed methods reach existing instances (through warm inline caches), a dry run
 * reports and changes nothing, fields migrate by name (added, removed, reordered, in
 * subclasses too), migrate(old) runs, a frame that was running finishes in the old code, and
 * every rejected reload leaves the VM unchanged. Programs are compiled from Phantom source.
 * CTest: vm.hot_reload.
 */
#include "ReloadTestSupport.h"
#include <QtTest>
#include <vm/HotReload.h>
#include <vm/Object.h>

using namespace VM;
using namespace HeapTestSupport;
using namespace ReloadTestSupport;

namespace {

// Version 1: points in a global array, functions of the file's class `world` to inspect them.
char const* const world_source = R"(
class Point {
    var x
    var y
    init(x, y) {
        this.x = x
        this.y = y
    }
    fun describe() {
        return "old " + this.x.toString() + "," + this.y.toString()
    }
    fun work() {
        print("working")
        var i = 0
        while (i < 20000) {
            i = i + 1
        }
        return "old work"
    }
}
class ColorPoint : Point {
    var color
    init(x, y, color) {
        super.init(x, y)
        this.color = color
    }
    fun describe() {
        return super.describe() + " " + this.color
    }
}
var points = nil
fun setup() {
    points = [Point(1, 2), Point(3, 4), ColorPoint(5, 6, "red")]
    return 0
}
fun describeAll() {
    var text = ""
    for (p in points) {
        text = text + p.describe() + ";"
    }
    return text
}
fun sameObject() {
    let first = points[0]
    return first.describe()
}
fun callNorm() {
    return points[0].norm()
}
fun startWork() {
    return points[0].work()
}
)";

struct World {
    Mapping mapping {64 * 1024 * 1024};
    TestHost host;
    OwnPtr<Heap> heap;
    OwnPtr<VirtualMachine> vm;

    bool start()
    {
        ProgramImage program;
        QString diagnostics;
        if (!compile("world.ph", world_source, program, diagnostics)) {
            qWarning("%s", qPrintable(diagnostics));
            return false;
        }
        heap = MUST(Heap::create(mapping.base(), mapping.size()));
        vm = MUST(VirtualMachine::create(*heap, host));
        String message;
        if (vm->load(program, &message).is_error()) {
            qWarning("load: %s", message.characters());
            return false;
        }
        return call("setup") == "0";
    }
    ~World()
    {
        vm = nullptr;
        heap = nullptr;
    }

    QString call(char const* function)
    {
        auto result = vm->call_static("world"sv, StringView(function, std::strlen(function)));
        if (result.is_error())
            return "error: " + to_qstring(result.error().message()) + " " + host.errors;
        return text_of_value(result.value());
    }
    i64 version_of(char const* klass)
    {
        return vm->find_class(StringView(klass, std::strlen(klass)))
            .as_object()
            ->slots()[ClassSlot::version]
            .as_integer();
    }
};

// Compiles a new version of Point (and ColorPoint, which must stay a subclass) from source.
bool new_version(char const* source, ProgramImage& program, ClassImage const*& point)
{
    QString diagnostics;
    if (!compile("update.ph", source, program, diagnostics)) {
        qWarning("%s", qPrintable(diagnostics));
        return false;
    }
    point = find_class_image(program, "Point");
    return point != nullptr;
}

// Sorted: the compiler decides the order of methods in an image.
QStringList names(Vector<String> const& list)
{
    QStringList result;
    for (auto const& name : list)
        result << to_qstring(name.view());
    result.sort();
    return result;
}

} // namespace

class HotReloadTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void newMethodsReachExistingInstances();
    void dryRunReportsAndChangesNothing();
    void fieldsMigrateByName();
    void subclassInstancesMigrate();
    void migrateMethodRuns();
    void runningFramesFinishInOldCode();
    void rejectedReloadsChangeNothing();
};

void HotReloadTest::newMethodsReachExistingInstances()
{
    World world;
    QVERIFY(world.start());
    // Warm the inline caches at the send sites first.
    QCOMPARE(world.call("describeAll"), QString("old 1,2;old 3,4;old 5,6 red;"));
    QVERIFY(world.call("callNorm").startsWith("error"));
    i64 version = world.version_of("Point");
    ProgramImage program;
    ClassImage const* point;
    QVERIFY(new_version(R"(
class Point {
    var x
    var y
    init(x, y) {
        this.x = x
        this.y = y
    }
    fun describe() {
        return "new " + this.x.toString() + "," + this.y.toString()
    }
    fun norm() {
        return this.x * this.x + this.y * this.y
    }
}
)",
        program, point));
    String message;
    auto report_or_error = reload(*world.vm, *point, ReloadMode::Apply, &message);
    QVERIFY2(!report_or_error.is_error(), message.characters());
    auto report = report_or_error.release_value();
    QCOMPARE(names(report.added_methods), QStringList {"norm"});
    QCOMPARE(names(report.changed_methods), QStringList {"describe"});
    QCOMPARE(names(report.removed_methods), QStringList {"work"});
    QVERIFY(!report.layout_changed);
    QCOMPARE(report.instances_migrated, u64(0));
    QCOMPARE(world.call("describeAll"), QString("new 1,2;new 3,4;new 5,6 red;"));
    QCOMPARE(world.call("callNorm"), QString("5"));
    QCOMPARE(world.version_of("Point"), version + 1);
    QVERIFY(!world.heap->verify().is_error());
    // The report reads as a summary too.
    auto text = MUST(describe(report));
    QVERIFY(to_qstring(text.view()).contains("norm"));
}

void HotReloadTest::dryRunReportsAndChangesNothing()
{
    World world;
    QVERIFY(world.start());
    i64 version = world.version_of("Point");
    ProgramImage program;
    ClassImage const* point;
    QVERIFY(new_version(R"(
class Point {
    var y
    var z
    init(x, y) {
        this.y = y
    }
    fun describe() {
        return "dry"
    }
    fun extra() {
        return 1
    }
}
)",
        program, point));
    auto report = MUST(reload(*world.vm, *point, ReloadMode::DryRun));
    QCOMPARE(names(report.added_methods), QStringList {"extra"});
    QCOMPARE(names(report.changed_methods), QStringList({"describe", "init"}));
    QCOMPARE(names(report.removed_methods), QStringList {"work"});
    QCOMPARE(names(report.added_fields), QStringList {"z"});
    QCOMPARE(names(report.removed_fields), QStringList {"x"});
    QVERIFY(report.layout_changed);
    // Two Points and one ColorPoint carry Point's fields.
    QCOMPARE(report.instances_to_migrate, u64(3));
    QCOMPARE(report.instances_migrated, u64(0));
    QCOMPARE(world.call("describeAll"), QString("old 1,2;old 3,4;old 5,6 red;"));
    QCOMPARE(world.version_of("Point"), version);

    // Reloading the very same source reports no change.
    ProgramImage same;
    QString diagnostics;
    QVERIFY(compile("world.ph", world_source, same, diagnostics));
    auto unchanged = MUST(reload(*world.vm, *find_class_image(same, "Point"), ReloadMode::DryRun));
    QVERIFY2(!unchanged.changes_anything(), qPrintable(to_qstring(MUST(describe(unchanged)).view())));
}

void HotReloadTest::fieldsMigrateByName()
{
    World world;
    QVERIFY(world.start());
    QCOMPARE(world.call("sameObject"), QString("old 1,2"));
    ProgramImage program;
    ClassImage const* point;
    // y stays, x is dropped, z and label are new, and the order changes.
    QVERIFY(new_version(R"(
class Point {
    var label
    var y
    var z
    init(x, y) {
        this.y = y
    }
    fun describe() {
        return "y=" + this.y.toString() + " z=" + (this.z == nil).toString() + " label=" + (this.label == nil).toString()
    }
}
)",
        program, point));
    auto report = MUST(reload(*world.vm, *point, ReloadMode::Apply));
    QVERIFY(report.layout_changed);
    QCOMPARE(report.instances_migrated, u64(3));
    QCOMPARE(names(report.removed_fields), QStringList {"x"});
    QCOMPARE(names(report.added_fields), QStringList({"label", "z"}));
    // The array in the global now holds the migrated objects.
    QCOMPARE(world.call("sameObject"), QString("y=2 z=true label=true"));
    QVERIFY(world.call("describeAll").startsWith("y=2 z=true label=true;y=4 z=true label=true;"));
    QVERIFY(!world.heap->verify().is_error());
    // The old objects are garbage now: a collection keeps everything else intact.
    world.heap->collect();
    QVERIFY(!world.heap->verify().is_error());
    QCOMPARE(world.call("sameObject"), QString("y=2 z=true label=true"));
}

void HotReloadTest::subclassInstancesMigrate()
{
    World world;
    QVERIFY(world.start());
    ProgramImage program;
    ClassImage const* point;
    QVERIFY(new_version(R"(
class Point {
    var x
    var y
    var z
    init(x, y) {
        this.x = x
        this.y = y
    }
    fun describe() {
        return this.x.toString() + "," + this.y.toString() + "," + (this.z == nil).toString()
    }
}
)",
        program, point));
    auto report = MUST(reload(*world.vm, *point, ReloadMode::Apply));
    QCOMPARE(report.instances_migrated, u64(3));
    // ColorPoint inherits the new layout and keeps its own field after it.
    QCOMPARE(world.call("describeAll"), QString("1,2,true;3,4,true;5,6,true red;"));
    auto* color_point = world.vm->find_class("ColorPoint"sv).as_object();
    auto* fields = color_point->slots()[ClassSlot::fields].as_object();
    QCOMPARE(fields->slot_count, 4u);
    QCOMPARE(to_qstring(text_of(fields->slots()[2])), QString("z"));
    QCOMPARE(to_qstring(text_of(fields->slots()[3])), QString("color"));
}

void HotReloadTest::migrateMethodRuns()
{
    World world;
    QVERIFY(world.start());
    ProgramImage program;
    ClassImage const* point;
    QVERIFY(new_version(R"(
class Point {
    var sum
    init(x, y) {
        this.sum = x + y
    }
    fun migrate(old) {
        this.sum = old.x + old.y
    }
    fun describe() {
        return "sum " + this.sum.toString()
    }
}
)",
        program, point));
    auto dry = MUST(reload(*world.vm, *point, ReloadMode::DryRun));
    QVERIFY(dry.has_migrate_method);
    auto report = MUST(reload(*world.vm, *point, ReloadMode::Apply));
    QCOMPARE(report.instances_migrated, u64(3));
    QCOMPARE(report.failed_migrations, u64(0));
    QCOMPARE(world.call("describeAll"), QString("sum 3;sum 7;sum 11 red;"));
}

void HotReloadTest::runningFramesFinishInOldCode()
{
    World world;
    QVERIFY(world.start());
    // Start work() on a thread and stop it at a safepoint inside its loop.
    world.host.on_write = [&](int) { world.vm->request_safepoint(); };
    auto thread = MUST(world.vm->spawn_static("world"sv, "startWork"sv));
    Handle keep_thread(*world.heap, thread);
    MUST(world.vm->run());
    QVERIFY(world.host.output.startsWith("working"));
    auto state = thread.as_object()->slots()[ThreadSlot::state].as_integer();
    QVERIFY(state != i64(ThreadState::Finished));

    ProgramImage program;
    ClassImage const* point;
    QVERIFY(new_version(R"(
class Point {
    var x
    var y
    init(x, y) {
        this.x = x
        this.y = y
    }
    fun describe() {
        return "new"
    }
    fun work() {
        return "new work"
    }
}
)",
        program, point));
    auto report = MUST(reload(*world.vm, *point, ReloadMode::Apply));
    QCOMPARE(names(report.changed_methods), QStringList({"describe", "work"}));
    world.host.on_write = nullptr;
    world.vm->clear_safepoint_request();
    MUST(world.vm->run());
    // The frame that was running finished in the old code; new calls use the new one.
    auto* thread_object = keep_thread.object();
    QCOMPARE(thread_object->slots()[ThreadSlot::state].as_integer(), i64(ThreadState::Finished));
    QCOMPARE(text_of_value(thread_object->slots()[ThreadSlot::result]), QString("old work"));
    QCOMPARE(world.call("startWork"), QString("new work"));
}

void HotReloadTest::rejectedReloadsChangeNothing()
{
    World world;
    QVERIFY(world.start());
    i64 version = world.version_of("Point");
    auto expect_rejected = [&](char const* source, char const* class_name, char const* expected_words) {
        ProgramImage program;
        QString diagnostics;
        if (!compile("bad.ph", source, program, diagnostics)) {
            qWarning("%s", qPrintable(diagnostics));
            return false;
        }
        auto const* image = find_class_image(program, class_name);
        if (!image)
            return false;
        String message;
        auto result = reload(*world.vm, *image, ReloadMode::Apply, &message);
        if (!result.is_error()) {
            qWarning("accepted: %s", class_name);
            return false;
        }
        if (!QString(message.characters()).contains(expected_words)) {
            qWarning("message: %s", message.characters());
            return false;
        }
        return true;
    };
    // Not loaded at all.
    QVERIFY(expect_rejected("class Nowhere {\n}\n", "Nowhere", "not loaded"));
    // A different superclass.
    QVERIFY(expect_rejected("class Base {\n}\nclass Point : Base {\n    var x\n}\n", "Point", "superclass"));
    // A field its subclass already has.
    QVERIFY(expect_rejected("class Point {\n    var x\n    var y\n    var color\n}\n", "Point", "subclass"));

    // Bytecode the verifier rejects: a jump into the middle of nowhere.
    ProgramImage program;
    ClassImage const* point;
    QVERIFY(
        new_version("class Point {\n    var x\n    var y\n    fun describe() {\n        return 1\n    }\n}\n",
            program, point));
    ClassImage broken = *point;
    for (auto& method : broken.methods) {
        if (method.name == "describe"sv) {
            method.code.clear();
            method.code.append(static_cast<u8>(Opcode::Jump));
            for (int i = 0; i < 4; ++i)
                method.code.append(0x7f);
        }
    }
    String message;
    auto result = reload(*world.vm, broken, ReloadMode::Apply, &message);
    QVERIFY(result.is_error());
    QVERIFY2(QString(message.characters()).contains("describe"), message.characters());

    // Nothing changed through all of that.
    QCOMPARE(world.version_of("Point"), version);
    QCOMPARE(world.call("describeAll"), QString("old 1,2;old 3,4;old 5,6 red;"));
    QVERIFY(!world.heap->verify().is_error());
}

QTEST_GUILESS_MAIN(HotReloadTest)
#include "HotReloadTest.moc"
