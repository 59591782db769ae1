/*
 * tests/vm/NativesTest.cpp: the internal classes' native methods, each called from bytecode
 * and checked by what it prints: numbers and their formatting (shortest round-trip floats,
 * toFixed), strings, StringBuilder, arrays (including sort with a comparator closure, which
 * runs without C++ recursion), maps in insertion order, Object, Math and Time.
 */
#include "Assembler.h"
#include <vm/natives/Natives.h>

using namespace CoreTest;

class NativesTest : public QObject {
    Q_OBJECT

private:
    // Runs `body` (which leaves one value) as Main.main, printing that value; returns the output.
    template<typename Body>
    static QString run(Body body, QString* errors = nullptr, VM::ClassImage* extra = nullptr)
    {
        auto image = make_class("Main");
        Assembler a;
        body(a, image);
        a.call_static("Console", "println", 1).op(Opcode::Pop).op(Opcode::ReturnNil);
        image.methods.append(a.locals(4).finish("main", MethodKind::Static, 0));
        auto program = program_of(move(image));
        if (extra)
            program.classes.append(move(*extra));
        Machine machine;
        auto loaded = machine.load(program);
        if (!loaded.isEmpty())
            return "load failed: " + loaded;
        (void)machine.vm->run_main();
        if (errors)
            *errors = machine.host.errors;
        else if (!machine.host.errors.isEmpty())
            return machine.host.output + "ERROR " + machine.host.errors;
        return machine.host.output;
    }

    static QString format(double value)
    {
        StringBuilder builder;
        MUST(VM::format_double(builder, value));
        return qt(builder.string_view());
    }

private Q_SLOTS:
    void floatFormatting()
    {
        QCOMPARE(format(0.1), QString("0.1"));
        QCOMPARE(format(1.0), QString("1.0"));
        QCOMPARE(format(-2.5), QString("-2.5"));
        QCOMPARE(format(1.0 / 3.0), QString("0.3333333333333333"));
        QCOMPARE(format(2.0 / 3.0), QString("0.6666666666666666"));
        QCOMPARE(format(123456789.125), QString("123456789.125"));
        QCOMPARE(format(1e16), QString("1e+16"));
        QCOMPARE(format(1.5e-5), QString("1.5e-05"));
        QCOMPARE(format(0.0001), QString("0.0001"));
        QCOMPARE(format(5e-324), QString("5e-324"));
        QCOMPARE(format(1.7976931348623157e308), QString("1.7976931348623157e+308"));
        QCOMPARE(format(-0.0), QString("-0.0"));
        QCOMPARE(format(__builtin_inf()), QString("inf"));
        QCOMPARE(format(__builtin_nan("")), QString("nan"));
        // Round trip over many values: the text reads back as the same double.
        double value = 1.0;
        for (int i = 0; i < 2000; ++i) {
            value = value * 1.37 + 0.011 * i;
            if (value > 1e300)
                value = 1e-300 * i;
            auto text = format(value);
            QCOMPARE(text.toDouble(), value);
        }
        StringBuilder fixed;
        MUST(VM::format_fixed(fixed, 2.675, 2)); // 2.67499999... in binary
        MUST(fixed.try_append(' '));
        MUST(VM::format_fixed(fixed, 1.005, 1));
        MUST(fixed.try_append(' '));
        MUST(VM::format_fixed(fixed, -0.0001, 2));
        MUST(fixed.try_append(' '));
        MUST(VM::format_fixed(fixed, 99.96, 1));
        QCOMPARE(qt(fixed.string_view()), QString("2.67 1.0 0.00 100.0"));
        QCOMPARE(VM::parse_double("2.5e3"sv).value(), 2500.0);
        QCOMPARE(VM::parse_double("-0.125"sv).value(), -0.125);
        QVERIFY(!VM::parse_double("1.2.3"sv).has_value());
        QVERIFY(!VM::parse_double("e5"sv).has_value());
    }

    void numbers()
    {
        QCOMPARE(run([](Assembler& a, auto&) { a.push_int(-7).send("abs", 0).push_int(3).send("max", 1); }),
            QString("7\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_float(2.5).send("floor", 0); }), QString("2.0\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_float(-2.7).send("toInt", 0); }), QString("-2\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_float(3.14159).push_int(2).send("toFixed", 1); }),
            QString("3.14\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_int(2).send("toFloat", 0); }), QString("2.0\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_int(65).send("toChar", 0); }), QString("A\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_int(2).push_int(10).call_static("Math", "pow", 2); }),
            QString("1024.0\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_int(16).call_static("Math", "sqrt", 1); }),
            QString("4.0\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_int(5).send("toString", 0).push_string("!").op(Opcode::Add);
        }),
            QString("5!\n"));
        QCOMPARE(
            run([](Assembler& a, auto&) { a.op(Opcode::PushNil).send("toString", 0); }), QString("nil\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_int(3).send("class", 0); }), QString("Int\n"));
    }

    void strings()
    {
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("héllo").send("length", 0); }), QString("6\n"));
        QCOMPARE(
            run([](Assembler& a, auto&) { a.push_string("hello world").push_int(6).send("substring", 1); }),
            QString("world\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_string("hello").push_int(1).push_int(3).send("substring", 2);
        }),
            QString("el\n"));
        QCOMPARE(
            run([](Assembler& a, auto&) { a.push_string("banana").push_string("nan").send("indexOf", 1); }),
            QString("2\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("a,b,,c").push_string(",").send("split", 1); }),
            QString("[\"a\", \"b\", \"\", \"c\"]\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("añb").send("chars", 0); }),
            QString("[\"a\", \"ñ\", \"b\"]\n"));
        QCOMPARE(
            run([](Assembler& a, auto&) { a.push_string("apple").push_string("banana").send("compare", 1); }),
            QString("-1\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_string("  MiXed ").send("trim", 0).send("toUpperCase", 0);
        }),
            QString("MIXED\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_string("-42").send("toInt", 0).push_int(1).op(Opcode::Add);
        }),
            QString("-41\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("4x").send("toInt", 0); }), QString("nil\n"));
        QCOMPARE(
            run([](Assembler& a, auto&) { a.push_string("1.25").send("toFloat", 0); }), QString("1.25\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("ab").push_int(3).send("repeat", 1); }),
            QString("ababab\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_string("a-b-c").push_string("-").push_string("+").send("replace", 2);
        }),
            QString("a+b+c\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("xyz").push_int(-1).op(Opcode::GetIndex); }),
            QString("z\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("x = ").push_float(0.5).op(Opcode::Add); }),
            QString("x = 0.5\n"));
        QString errors;
        run([](Assembler& a, auto&) { a.push_string("abc").push_int(5).send("charAt", 1); }, &errors);
        QVERIFY(errors.contains("IndexError: index 5 out of range for a string of length 3"));
    }

    void stringBuilder()
    {
        QCOMPARE(run([](Assembler& a, auto&) {
            a.new_object("StringBuilder", 0).store_local(1);
            a.push_int(0).store_local(2);
            u32 top = a.offset();
            a.load_local(2).push_int(100).op(Opcode::Less);
            auto done = a.jump(Opcode::JumpIfFalse);
            a.load_local(1)
                .load_local(2)
                .send("append", 1)
                .push_string(",")
                .send("append", 1)
                .op(Opcode::Pop);
            a.load_local(2).push_int(1).op(Opcode::Add).store_local(2);
            a.jump_to(Opcode::Jump, top);
            a.here(done);
            a.load_local(1).send("toString", 0).push_int(281).send("substring", 1);
            a.load_local(1).send("length", 0).send("toString", 0).op(Opcode::Add);
        }),
            QString("97,98,99,290\n"));
    }

    void arrays()
    {
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_int(3).push_int(1).push_int(2).op(Opcode::MakeArray, 3).store_local(1);
            a.load_local(1).push_int(9).send("push", 1).op(Opcode::Pop);
            a.load_local(1).send("pop", 0).op(Opcode::Pop);
            a.load_local(1).send("sort", 0).push_string("-").send("join", 1);
        }),
            QString("1-2-3\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_int(1).push_int(2).push_int(3).push_int(4).op(Opcode::MakeArray, 4).store_local(1);
            a.load_local(1).push_int(1).push_int(-1).send("slice", 2).store_local(2);
            a.load_local(1).push_int(0).push_int(0).send("insert", 2).op(Opcode::Pop);
            a.load_local(1).push_int(2).send("removeAt", 1).op(Opcode::Pop);
            a.load_local(2).load_local(1).send("concat", 1).send("reverse", 0);
        }),
            QString("[4, 3, 1, 0, 3, 2]\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.push_int(5)
                .push_float(5.0)
                .op(Opcode::MakeArray, 1)
                .push_int(5)
                .send("indexOf", 1)
                .op(Opcode::Add);
        }),
            QString("5\n"));
        QString errors;
        run([](Assembler& a, auto&) { a.op(Opcode::MakeArray, 0).send("pop", 0); }, &errors);
        QVERIFY(errors.contains("IndexError: pop from an empty array"));
        run([](Assembler& a,
                auto&) { a.push_int(1).push_string("a").op(Opcode::MakeArray, 2).send("sort", 0); },
            &errors);
        QVERIFY(errors.contains("TypeError: sort() without a comparator needs all numbers or all strings"));
    }

    void sortWithComparatorClosure()
    {
        // Sort 200 numbers descending with (a, b) => b - a, stably: pairs sorted by key only.
        QCOMPARE(run([](Assembler& a, VM::ClassImage& image) {
            Assembler comparator;
            comparator.load_local(2)
                .push_int(0)
                .op(Opcode::GetIndex)
                .load_local(1)
                .push_int(0)
                .op(Opcode::GetIndex)
                .op(Opcode::Subtract)
                .op(Opcode::Return);
            image.functions.append(comparator.finish("<compare>", MethodKind::Function, 2));
            a.op(Opcode::MakeArray, 0).store_local(1).push_int(0).store_local(2);
            u32 top = a.offset();
            a.load_local(2).push_int(200).op(Opcode::Less);
            auto done = a.jump(Opcode::JumpIfFalse);
            // element [i * 7 % 10, i]
            a.load_local(1)
                .load_local(2)
                .push_int(7)
                .op(Opcode::Multiply)
                .push_int(10)
                .op(Opcode::Modulo)
                .load_local(2)
                .op(Opcode::MakeArray, 2)
                .send("push", 1)
                .op(Opcode::Pop);
            a.load_local(2).push_int(1).op(Opcode::Add).store_local(2);
            a.jump_to(Opcode::Jump, top);
            a.here(done);
            a.load_local(1).closure(0).send("sort", 1).store_local(3);
            // first three and last element
            a.load_local(3)
                .push_int(0)
                .op(Opcode::GetIndex)
                .load_local(3)
                .push_int(1)
                .op(Opcode::GetIndex)
                .load_local(3)
                .push_int(2)
                .op(Opcode::GetIndex);
            a.load_local(3).push_int(-1).op(Opcode::GetIndex).op(Opcode::MakeArray, 4);
        }),
            QString("[[9, 7], [9, 17], [9, 27], [0, 190]]\n"));
    }

    void sortSurvivesARestartMidway()
    {
        // The comparator's frames and the sort's state are heap data: stop the thread in the
        // middle of the sort, drop the VM, attach a new one to the heap, and finish.
        auto image = make_class("Main");
        Assembler comparator;
        comparator.load_local(1).load_local(2).op(Opcode::Subtract).op(Opcode::Return);
        image.functions.append(comparator.finish("<compare>", MethodKind::Function, 2));
        Assembler main;
        main.op(Opcode::MakeArray, 0).store_local(1).push_int(0).store_local(2);
        u32 top = main.offset();
        main.load_local(2).push_int(60).op(Opcode::Less);
        auto done = main.jump(Opcode::JumpIfFalse);
        main.load_local(1)
            .load_local(2)
            .push_int(37)
            .op(Opcode::Multiply)
            .push_int(61)
            .op(Opcode::Modulo)
            .send("push", 1)
            .op(Opcode::Pop);
        main.load_local(2).push_int(1).op(Opcode::Add).store_local(2);
        main.jump_to(Opcode::Jump, top);
        main.here(done);
        main.load_local(1).closure(0).send("sort", 1).push_int(0).push_int(8).send("slice", 2);
        main.call_static("Console", "println", 1).op(Opcode::Pop).op(Opcode::ReturnNil);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        (void)MUST(machine.vm->spawn_static("Main"sv, "main"sv));
        delete machine.vm;
        VM::VMOptions tiny_slices;
        tiny_slices.time_slice = 2;
        machine.vm = MUST(VM::VirtualMachine::attach(*machine.heap, machine.host, tiny_slices)).leak_ptr();
        for (int slice = 0; slice < 150; ++slice)
            MUST(machine.vm->run_thread(machine.vm->threads()[0]));
        QCOMPARE(machine.host.output, QString());
        auto* thread = machine.vm->threads()[0].as_object();
        QVERIFY(thread->slots()[VM::ThreadSlot::frame].as_integer()
            != thread->slots()[VM::ThreadSlot::base_frame].as_integer());
        delete machine.vm;
        machine.vm = MUST(VM::VirtualMachine::attach(*machine.heap, machine.host)).leak_ptr();
        MUST(machine.vm->run());
        QCOMPARE(machine.host.output, QString("[0, 1, 2, 3, 4, 5, 6, 7]\n"));
        QCOMPARE(machine.host.errors, QString());
    }

    void forEachAndMap()
    {
        QCOMPARE(run([](Assembler& a, VM::ClassImage& image) {
            Assembler square;
            square.load_local(1).load_local(1).op(Opcode::Multiply).op(Opcode::Return);
            image.functions.append(square.finish("<square>", MethodKind::Function, 1));
            Assembler show;
            show.load_local(1).call_static("Console", "print", 1).op(Opcode::Return);
            image.functions.append(show.finish("<show>", MethodKind::Function, 1));
            a.push_int(1)
                .push_int(2)
                .push_int(3)
                .op(Opcode::MakeArray, 3)
                .closure(0)
                .send("map", 1)
                .store_local(1);
            a.load_local(1).closure(1).send("forEach", 1).op(Opcode::Pop);
            a.load_local(1);
        }),
            QString("149[1, 4, 9]\n"));
    }

    void maps()
    {
        QCOMPARE(run([](Assembler& a, auto&) {
            a.op(Opcode::MakeMap, 0).store_local(1);
            for (int i = 0; i < 40; ++i)
                a.load_local(1)
                    .push_int(static_cast<i16>(i))
                    .push_int(static_cast<i16>(i * i))
                    .send("set", 2)
                    .op(Opcode::Pop);
            for (int i = 0; i < 40; i += 2)
                a.load_local(1).push_int(static_cast<i16>(i)).send("remove", 1).op(Opcode::Pop);
            a.load_local(1).push_string("k").push_string("v").op(Opcode::SetIndex);
            a.load_local(1).push_float(1.5).push_string("f").op(Opcode::SetIndex);
            // size, has, get with default, a float key found by value, insertion order of keys
            a.load_local(1).send("size", 0);
            a.load_local(1).push_int(39).send("has", 1);
            a.load_local(1).push_int(38).push_int(-1).send("get", 2);
            a.load_local(1).push_float(1.5).op(Opcode::GetIndex);
            a.load_local(1).send("keys", 0).push_int(0).push_int(3).send("slice", 2);
            a.load_local(1).send("values", 0).push_int(-2).send("slice", 1);
            a.op(Opcode::MakeArray, 6);
        }),
            QString("[22, true, -1, \"f\", [1, 3, 5], [\"v\", \"f\"]]\n"));
    }

    void extensionClassesBindByName()
    {
        // A later subsystem's internal class (a kernel object, a window...): fields, natives.
        static constexpr StringView fields[] = {"$count"sv};
        static constexpr VM::NativeMethod methods[] = {
            {"init"sv, VM::NativeKind::Constructor, 1,
                [](VM::VirtualMachine& vm, VM::Value* arguments, u32) {
                    vm.heap().write(arguments[0].as_object(), 0, arguments[1]);
                    return VM::returning(VM::Value::nil());
                }},
            {"bump"sv, VM::NativeKind::Instance, 0,
                [](VM::VirtualMachine&, VM::Value* arguments, u32) {
                    auto* self = arguments[0].as_object();
                    self->slots()[0] = VM::Value::integer(self->slots()[0].as_integer() + 1);
                    return VM::returning(self->slots()[0]);
                }},
        };
        static constexpr VM::NativeClass counter {"Counter"sv, ""sv, fields, methods};
        auto image = make_class("Main");
        Assembler a;
        a.push_int(41)
            .new_object("Counter", 1)
            .store_local(1)
            .load_local(1)
            .send("bump", 0)
            .op(Opcode::Pop)
            .load_local(1)
            .send("bump", 0)
            .op(Opcode::Return);
        image.methods.append(a.locals(2).finish("main", MethodKind::Static, 0));
        Machine machine;
        MUST(machine.vm->register_native_class(counter));
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 43);
        // After a restart the class is found in the heap and its natives are bound again by name.
        delete machine.vm;
        machine.vm = MUST(VM::VirtualMachine::attach(
                              *machine.heap, machine.host, {}, Span<VM::NativeClass const>(&counter, 1)))
                         .leak_ptr();
        QCOMPARE(MUST(machine.vm->call_static("Main"sv, "main"sv)), VM::Value::integer(43));
        delete machine.vm;
        machine.vm = nullptr;
        auto missing = VM::VirtualMachine::attach(*machine.heap, machine.host);
        QVERIFY(!missing.is_error()); // natives it does not know are simply not bound
    }

    void objectsPrintThroughTheirToString()
    {
        auto point = make_class("Point");
        Assembler to_string;
        to_string.push_string("<a point>").op(Opcode::Return);
        point.methods.append(to_string.finish("toString", MethodKind::Instance, 0));
        QCOMPARE(run([](Assembler& a, auto&) { a.new_object("Point", 0); }, nullptr, &point),
            QString("<a point>\n"));
        QCOMPARE(run([](Assembler& a, auto&) { a.push_string("bad").new_object("ArgumentError", 1); }),
            QString("ArgumentError: bad\n"));
        QCOMPARE(run([](Assembler& a, auto&) {
            a.call_static("Time", "monotonic", 0).call_static("Time", "monotonic", 0).op(Opcode::LessEqual);
        }),
            QString("true\n"));
    }
};

QTEST_GUILESS_MAIN(NativesTest)
#include "NativesTest.moc"
