/*
 * tests/lang/EvaluationTest.cpp: the compiler's evaluation mode (Lang::CompileOptions::
 * evaluation and ::environment), alone and as the object shell uses it through
 * vm/world/Evaluator.h: inputs compiled one by one into one running VM, each seeing what the
 * earlier ones defined (CTest: lang.evaluation_*).
 */
#include "../vm/VmTestSupport.h"

#include <QObject>
#include <QString>
#include <QTest>

#include <vm/Object.h>
#include <vm/lang/Compiler.h>
#include <vm/world/Evaluator.h>

#include <set>
#include <string>

using VmTestSupport::Machine;
using VmTestSupport::qt;

namespace {

// A fixed set of names standing for a running VM's.
class FixedNames final : public Lang::NameEnvironment {
public:
    FixedNames(std::set<std::string> classes, std::set<std::string> globals)
        : m_classes(std::move(classes))
        , m_globals(std::move(globals))
    { }
    bool has_class(StringView name) const override
    {
        return m_classes.count(std::string(name.characters_without_null_termination(), name.length())) > 0;
    }
    bool has_global(StringView name) const override
    {
        return m_globals.count(std::string(name.characters_without_null_termination(), name.length())) > 0;
    }

private:
    std::set<std::string> m_classes;
    std::set<std::string> m_globals;
};

struct Compiled {
    bool ok {false};
    QString diagnostics;
    VM::ProgramImage program;
};

Compiled compile(std::string const& text, Lang::NameEnvironment const* environment, bool evaluation = true)
{
    Lang::SourceFile file {"input"sv, StringView(text.data(), text.size())};
    Lang::Diagnostics diagnostics;
    Lang::CompileOptions options;
    options.environment = environment;
    options.evaluation = evaluation;
    auto program = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
    Compiled result;
    result.ok = !program.is_error();
    result.diagnostics = qt(MUST(diagnostics.render_short()).view());
    if (result.ok)
        result.program = program.release_value();
    return result;
}

// Runs one input in the machine's VM the way the shell does: the value as display text, or
// "error: ..." with the diagnostics, or "uncaught" when it threw.
QString evaluate(Machine& machine, std::string const& text)
{
    auto prepared = MUST(VM::World::prepare_input(*machine.vm, StringView(text.data(), text.size())));
    if (prepared.code.is_nil())
        return "error: " + qt(prepared.errors.view());
    auto result = machine.vm->call_static("input"sv, "main"sv);
    if (result.is_error())
        return "uncaught";
    StringBuilder display;
    MUST(machine.vm->append_display(display, result.value()));
    return qt(display.string_view());
}

} // namespace

class EvaluationTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Free names resolve to the environment's classes and globals, and only in its presence.
    void environment()
    {
        FixedNames names({"Point", "Shape"}, {"counter"});
        QVERIFY(compile("Point(1, 2)", &names).ok);
        QVERIFY(compile("counter + 1", &names).ok);
        QVERIFY(compile("counter = counter + 1", &names).ok);
        QVERIFY(compile("Point.origin()", &names).ok);
        QVERIFY(compile("Point.created", &names).ok);
        QVERIFY(compile("class Square : Shape { }", &names).ok);
        auto unknown = compile("Pointer(1, 2)", &names);
        QVERIFY(!unknown.ok);
        QVERIFY2(unknown.diagnostics.contains("input:1:1: unknown name 'Pointer'"),
            qPrintable(unknown.diagnostics));
        QVERIFY(!compile("Point(1, 2)", nullptr).ok);
        QVERIFY(!compile("class Square : Shape { }", nullptr).ok);
    }

    // Top-level variables are globals named as written; the last expression is main's result.
    void codegen()
    {
        FixedNames names({}, {});
        auto compiled = compile("var x = 1\nlet y = x + 1\ny * 10", &names);
        QVERIFY2(compiled.ok, qPrintable(compiled.diagnostics));
        Machine machine;
        QCOMPARE(machine.load(compiled.program), QString());
        auto result = MUST(machine.vm->call_static("input"sv, "main"sv));
        QVERIFY(result.is_integer());
        QCOMPARE(result.as_integer(), i64(20));
        QCOMPARE(machine.vm->global(MUST(machine.vm->intern("x"sv))).as_integer(), i64(1));
        QCOMPARE(machine.vm->global(MUST(machine.vm->intern("y"sv))).as_integer(), i64(2));
        // Outside evaluation mode the same program keeps its variables to itself.
        auto plain = compile("var x = 1\nx", &names, false);
        QVERIFY(plain.ok);
        Machine other;
        QCOMPARE(other.load(plain.program), QString());
        QVERIFY(MUST(other.vm->call_static("input"sv, "main"sv)).is_nil());
        QVERIFY(
            other.vm->find_symbol("x"sv).is_nil() || other.vm->global(other.vm->find_symbol("x"sv)).is_nil());
    }

    // Inputs one after the other in one VM, as the shell runs them.
    void inputs()
    {
        Machine machine;
        QCOMPARE(evaluate(machine, "1 + 2"), QString("3"));
        QCOMPARE(evaluate(machine, "var total = 40"), QString("nil"));
        QCOMPARE(evaluate(machine, "total + 2"), QString("42"));
        QCOMPARE(evaluate(machine, "total = total * 2"), QString("80"));
        QCOMPARE(evaluate(machine, "class Point { var x = 0; init(x) { this.x = x } fun twice() => x * 2 }"),
            QString("nil"));
        QCOMPARE(evaluate(machine, "var p = Point(21)"), QString("nil"));
        QCOMPARE(evaluate(machine, "p.twice()"), QString("42"));
        QCOMPARE(
            evaluate(machine, "class Point3 : Point { var z = 1; init(x) { super(x) } }"), QString("nil"));
        QCOMPARE(evaluate(machine, "Point3(5).twice() + Point3(5).z"), QString("11"));
        // A closure made by one input runs after later inputs replaced the input class.
        QCOMPARE(evaluate(machine, "var add = fun(n) => n + total"), QString("nil"));
        QCOMPARE(evaluate(machine, "add(1)"), QString("81"));
        // Redefining a class replaces it in place: the live instance gets the new method.
        QCOMPARE(evaluate(machine,
                     "class Point { var x = 0; init(x) { this.x = x } fun twice() => x * 2; fun thrice() => "
                     "x * 3 }"),
            QString("nil"));
        QCOMPARE(evaluate(machine, "p.thrice()"), QString("63"));
        // Errors change nothing.
        QVERIFY(evaluate(machine, "total +").startsWith("error: input:1:8: error:"));
        QVERIFY(evaluate(machine, "missing").contains("unknown name 'missing'"));
        QCOMPARE(evaluate(machine, "1 / 0"), QString("uncaught"));
        QCOMPARE(evaluate(machine, "total"), QString("80"));
        // Each input's class drops the previous one's: one `input` class, no staged copies.
        QCOMPARE(evaluate(machine, "total"), QString("80"));
        int input_classes = 0;
        machine.heap->for_each_object([&](VM::ObjectHeader* object) {
            if (object->kind == VM::ObjectKind::Class
                && VM::text_of(object->slots()[VM::ClassSlot::name]).starts_with("$reload:input"sv))
                ++input_classes;
        });
        QCOMPARE(input_classes, 0);
    }
};

QTEST_GUILESS_MAIN(EvaluationTest)
#include "EvaluationTest.moc"
