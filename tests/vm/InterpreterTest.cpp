/*
 * tests/vm/InterpreterTest.cpp: the interpreter on hand-assembled class images: calls and
 * recursion, arithmetic fast and slow paths, fields and constructors, inheritance and super
 * sends, closures sharing boxes, literals, globals, loops and the class-image file format.
 */
#include "Assembler.h"
#include <vm/Disassembler.h>

using namespace CoreTest;
using VM::CaptureSource;
using VM::ClassImage;
using VM::Value;

class InterpreterTest : public QObject {
    Q_OBJECT

private:
    static i64 integer_result(Machine& machine, char const* klass, char const* method)
    {
        auto result = machine.vm->call_static(StringView(klass), StringView(method));
        if (result.is_error())
            qFatal("call failed: %s / %s", result.error().message().characters_without_null_termination(),
                machine.host.errors.toUtf8().constData());
        if (!result.value().is_integer())
            qFatal("result is not an integer");
        return result.value().as_integer();
    }

    static ClassImage fib_class()
    {
        auto image = make_class("Main");
        Assembler fib;
        fib.line(1).load_local(1).push_int(2).op(Opcode::Less);
        auto recurse = fib.jump(Opcode::JumpIfFalse);
        fib.load_local(1).op(Opcode::Return);
        fib.here(recurse);
        fib.line(2).load_local(1).push_int(1).op(Opcode::Subtract).call_static("Main", "fib", 1);
        fib.load_local(1).push_int(2).op(Opcode::Subtract).call_static("Main", "fib", 1);
        fib.op(Opcode::Add).op(Opcode::Return);
        image.methods.append(fib.finish("fib", MethodKind::Static, 1));
        Assembler main;
        main.push_int(20).call_static("Main", "fib", 1).op(Opcode::Return);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        return image;
    }

private Q_SLOTS:
    void recursion()
    {
        Machine machine;
        QCOMPARE(machine.load(program_of(fib_class())), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 6765);
        QCOMPARE(MUST(machine.vm->run_main()), 6765);
    }

    void disassembly()
    {
        StringBuilder listing;
        MUST(VM::disassemble_program(listing, program_of(fib_class())));
        auto text = qt(listing.string_view());
        QVERIFY2(text.contains(
                     "  method static fib (parameters 1, locals 2, max stack 3)\n    ; line 1:1\n        "
                     "0  load_local local 1\n"),
            qPrintable(text));
        QVERIFY2(text.contains("        7  jump_if_false -> 16\n"), qPrintable(text));
        QVERIFY2(text.contains("call_static Main.fib argc=1\n"), qPrintable(text));
        QVERIFY2(text.contains("        0  push_int 20\n"), qPrintable(text));
        // Broken code is shown up to the bad byte, not crashed on.
        VM::MethodImage broken;
        broken.name = string("broken");
        broken.code.append(static_cast<u8>(Opcode::Nop));
        broken.code.append(0xee);
        StringBuilder bad;
        MUST(VM::disassemble_method(bad, broken));
        QVERIFY(qt(bad.string_view()).contains("        1  <unknown opcode>"));
    }

    void constantsAreDeduplicated()
    {
        // Equal constants share an index however many there are (the builder hashes them);
        // kinds never mix: the string "7", the name "7", the integer 7 and the float 7.0 differ.
        VM::MethodBuilder builder;
        constexpr int count = 60000;
        for (int i = 0; i < count; ++i) {
            auto text = MUST(String::formatted("s{}", i));
            QCOMPARE(MUST(builder.add_string(text.view())), u16(i));
        }
        for (int i = count - 1; i >= 0; i -= 997) {
            auto text = MUST(String::formatted("s{}", i));
            QCOMPARE(MUST(builder.add_string(text.view())), u16(i));
        }
        u16 name = MUST(builder.add_name("7"sv));
        u16 string_seven = MUST(builder.add_string("7"sv));
        u16 integer = MUST(builder.add_integer(7));
        u16 floating = MUST(builder.add_float(7.0));
        u16 negative_zero = MUST(builder.add_float(-0.0));
        u16 zero = MUST(builder.add_float(0.0));
        QCOMPARE(name, u16(count));
        QCOMPARE(string_seven, u16(count + 1));
        QCOMPARE(integer, u16(count + 2));
        QCOMPARE(floating, u16(count + 3));
        QVERIFY(negative_zero != zero);
        QCOMPARE(MUST(builder.add_name("7"sv)), name);
        QCOMPARE(MUST(builder.add_integer(7)), integer);
        QCOMPARE(MUST(builder.add_float(-0.0)), negative_zero);
        // The 65536th distinct constant is refused.
        for (int i = count; i < 65535 - 6; ++i)
            (void)MUST(builder.add_integer(1000000 + i));
        QVERIFY(builder.add_integer(-1).is_error());
        QCOMPARE(MUST(builder.add_integer(1000000 + count)), u16(count + 6));
    }

    void imageFileRoundTrip()
    {
        auto bytes = MUST(VM::serialize_program(program_of(fib_class())));
        String message;
        auto parsed = VM::parse_program(bytes.span(), &message);
        QVERIFY2(!parsed.is_error(), message.characters());
        Machine machine;
        QCOMPARE(machine.load(parsed.value()), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 6765);
        // A flipped payload byte fails the checksum; a short file is truncated.
        bytes[30] ^= 0x40;
        auto damaged = VM::parse_program(bytes.span(), &message);
        QVERIFY(damaged.is_error());
        QCOMPARE(damaged.error().code(), ErrorCode::Corrupted);
        auto truncated = VM::parse_program(bytes.span().slice(0, 10), &message);
        QVERIFY(truncated.is_error());
        QVERIFY(qt(message).contains("shorter than the header"));
    }

    void arithmetic()
    {
        auto image = make_class("Main");
        Assembler a;
        // (7 * 6 - 2) / 4 % 3 = 10 % 3 = 1; -(5) << 2 = -20; 1 + 1 = 2 (via push_integer constant)
        a.push_int(7)
            .push_int(6)
            .op(Opcode::Multiply)
            .push_int(2)
            .op(Opcode::Subtract)
            .push_int(4)
            .op(Opcode::Divide)
            .push_int(3)
            .op(Opcode::Modulo);
        a.push_int(5).op(Opcode::Negate).push_int(2).op(Opcode::ShiftLeft).op(Opcode::Add); // 1 + -20 = -19
        a.push_integer(1000000000000).op(Opcode::Add).op(Opcode::Return);
        image.methods.append(a.finish("ints", MethodKind::Static, 0));
        Assembler f;
        f.push_float(1.5).push_int(2).op(Opcode::Add).call_static("Console", "println", 1).op(Opcode::Pop);
        f.push_int(1).push_float(3.0).op(Opcode::Divide).call_static("Console", "println", 1).op(Opcode::Pop);
        f.push_int(7).push_int(2).op(Opcode::Divide).call_static("Console", "println", 1).op(Opcode::Pop);
        f.push_int(-7).push_int(2).op(Opcode::Modulo).call_static("Console", "println", 1).op(Opcode::Pop);
        f.push_float(0.1)
            .push_float(0.2)
            .op(Opcode::Add)
            .call_static("Console", "println", 1)
            .op(Opcode::Pop);
        f.push_float(1e21).call_static("Console", "println", 1).op(Opcode::Pop);
        f.push_int(3).push_float(3.0).op(Opcode::Equal).call_static("Console", "println", 1).op(Opcode::Pop);
        f.push_string("b")
            .push_string("a")
            .op(Opcode::Greater)
            .call_static("Console", "println", 1)
            .op(Opcode::Pop);
        f.push_string("ab")
            .push_string("ab")
            .op(Opcode::Equal)
            .call_static("Console", "println", 1)
            .op(Opcode::Pop);
        f.push_string("n=").push_int(4).op(Opcode::Add).call_static("Console", "println", 1).op(Opcode::Pop);
        f.op(Opcode::ReturnNil);
        image.methods.append(f.finish("floats", MethodKind::Static, 0));
        Assembler overflow;
        overflow.push_integer(VM::Value::max_integer).push_int(1).op(Opcode::Add).op(Opcode::Return);
        image.methods.append(overflow.finish("overflow", MethodKind::Static, 0));
        Assembler zero;
        zero.line(7).push_int(1).push_int(0).op(Opcode::Divide).op(Opcode::Return);
        image.methods.append(zero.finish("zero", MethodKind::Static, 0));

        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer_result(machine, "Main", "ints"), 1000000000000 - 19);
        QVERIFY(!machine.vm->call_static("Main"sv, "floats"sv).is_error());
        QCOMPARE(machine.host.output,
            QString("3.5\n0.3333333333333333\n3\n-1\n0.30000000000000004\n1e+21\ntrue\ntrue\ntrue\nn=4\n"));
        QVERIFY(machine.vm->call_static("Main"sv, "overflow"sv).is_error());
        QVERIFY(machine.host.errors.contains("Uncaught ArithmeticError: integer overflow"));
        machine.host.errors.clear();
        QVERIFY(machine.vm->call_static("Main"sv, "zero"sv).is_error());
        QVERIFY2(machine.host.errors.contains(
                     "Uncaught ArithmeticError: division by zero\n  at Main.zero (test.ph:7)"),
            qPrintable(machine.host.errors));
    }

    void fieldsConstructorsAndInheritance()
    {
        // class Point { x; y; init(a, b) { x = a; y = b; } sum() { return x + y; } }
        auto point = make_class("Point");
        point.fields.append({string("x"), {}});
        point.fields.append({string("y"), {}});
        Assembler init;
        init.load_local(1)
            .field(Opcode::StoreSelfField, "x")
            .load_local(2)
            .field(Opcode::StoreSelfField, "y")
            .op(Opcode::ReturnNil);
        point.methods.append(init.finish("init", MethodKind::Constructor, 2));
        Assembler sum;
        sum.field(Opcode::LoadSelfField, "x")
            .field(Opcode::LoadSelfField, "y")
            .op(Opcode::Add)
            .op(Opcode::Return);
        point.methods.append(sum.finish("sum", MethodKind::Instance, 0));
        // class Point3 extends Point { z; init(a, b, c) { super.init(a, b); z = c; } sum() { return
        // super.sum() * 10 + z; } }
        auto point3 = make_class("Point3", "Point");
        point3.fields.append({string("z"), {}});
        Assembler init3;
        init3.op(Opcode::PushSelf)
            .load_local(1)
            .load_local(2)
            .send("init", 2, Opcode::SuperSend)
            .op(Opcode::Pop);
        init3.load_local(3).field(Opcode::StoreSelfField, "z").op(Opcode::ReturnNil);
        point3.methods.append(init3.finish("init", MethodKind::Constructor, 3));
        Assembler sum3;
        sum3.op(Opcode::PushSelf)
            .send("sum", 0, Opcode::SuperSend)
            .push_int(10)
            .op(Opcode::Multiply)
            .field(Opcode::LoadSelfField, "z")
            .op(Opcode::Add)
            .op(Opcode::Return);
        point3.methods.append(sum3.finish("sum", MethodKind::Instance, 0));
        auto main = make_class("Main");
        Assembler run;
        // p = new Point3(1, 2, 3); return p.sum() + p.x * 1000 (field read from outside)
        run.push_int(1).push_int(2).push_int(3).new_object("Point3", 3).store_local(1);
        run.load_local(1)
            .send("sum", 0)
            .load_local(1)
            .field(Opcode::LoadField, "x")
            .push_int(1000)
            .op(Opcode::Multiply)
            .op(Opcode::Add);
        // p instanceof Point adds 100000
        run.load_local(1).type(Opcode::InstanceOf, "Point");
        auto skip = run.jump(Opcode::JumpIfFalse);
        run.push_integer(100000).op(Opcode::Add);
        run.here(skip);
        run.op(Opcode::Return);
        main.methods.append(run.locals(2).finish("main", MethodKind::Static, 0));
        Assembler missing;
        missing.push_int(1).push_int(2).new_object("Point", 2).send("nothing", 0).op(Opcode::Return);
        main.methods.append(missing.finish("missing", MethodKind::Static, 0));
        Assembler arity;
        arity.push_int(1).new_object("Point", 1).op(Opcode::Return);
        main.methods.append(arity.finish("arity", MethodKind::Static, 0));

        VM::ProgramImage program;
        program.main_class = string("Main");
        program.classes.append(move(point3)); // a subclass first: the loader orders them
        program.classes.append(move(point));
        program.classes.append(move(main));
        Machine machine;
        QCOMPARE(machine.load(program), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 100000 + 1000 + 33);
        QVERIFY(machine.vm->call_static("Main"sv, "missing"sv).is_error());
        QVERIFY(machine.host.errors.contains("NoSuchMethod: Point has no method nothing"));
        QVERIFY(machine.vm->call_static("Main"sv, "arity"sv).is_error());
        QVERIFY2(machine.host.errors.contains("ArgumentError: Point.init takes 2 arguments, 1 given"),
            qPrintable(machine.host.errors));
    }

    void typedFieldsAreChecked()
    {
        auto account = make_class("Account");
        account.fields.append({string("balance"), string("Int")});
        account.fields.append({string("note"), {}});
        Assembler set;
        set.load_local(1)
            .field(Opcode::StoreSelfField, "balance")
            .load_local(1)
            .field(Opcode::StoreSelfField, "note")
            .op(Opcode::ReturnNil);
        account.methods.append(set.finish("set", MethodKind::Instance, 1));
        auto main = make_class("Main");
        Assembler good;
        good.new_object("Account", 0).store_local(1).load_local(1).push_int(5).send("set", 1).op(Opcode::Pop);
        good.load_local(1).op(Opcode::PushNil).send("set", 1).op(Opcode::Pop).push_int(1).op(Opcode::Return);
        main.methods.append(good.locals(2).finish("good", MethodKind::Static, 0));
        Assembler bad;
        bad.new_object("Account", 0).push_float(0.5).send("set", 1).op(Opcode::Return);
        main.methods.append(bad.finish("bad", MethodKind::Static, 0));
        VM::ProgramImage program;
        program.classes.append(move(account));
        program.classes.append(move(main));
        Machine machine;
        QCOMPARE(machine.load(program), QString());
        QCOMPARE(integer_result(machine, "Main", "good"), 1);
        QVERIFY(machine.vm->call_static("Main"sv, "bad"sv).is_error());
        QVERIFY2(machine.host.errors.contains("TypeError: field balance is declared Int, got Float"),
            qPrintable(machine.host.errors));
    }

    void closuresShareBoxes()
    {
        // main: count = 0 (boxed); inc = () => count = count + 1; inc(); inc(); inc.call(); return count
        auto image = make_class("Main");
        Assembler body;
        body.op(Opcode::LoadCaptured, 0)
            .push_int(1)
            .op(Opcode::Add)
            .op(Opcode::Dup)
            .op(Opcode::StoreCaptured, 0)
            .op(Opcode::Return);
        body.capture(CaptureSource::Local, 1);
        image.functions.append(body.finish("<closure>", MethodKind::Function, 0));
        Assembler main;
        main.push_int(0).store_local(1).op(Opcode::MakeBox, 1);
        main.closure(0).store_local(2);
        main.load_local(2).call(0).op(Opcode::Pop);
        main.load_local(2).call(0).op(Opcode::Pop);
        main.load_local(2).send("call", 0).op(Opcode::Pop);
        main.op(Opcode::LoadBox, 1).op(Opcode::Return);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 3);
    }

    void literalsGlobalsAndLoops()
    {
        auto image = make_class("Main");
        Assembler main;
        // total = 0; i = 0; while (i < 1000) { total = total + i; i = i + 1 }  (a back-branch loop)
        main.push_int(0).store_local(1).push_int(0).store_local(2);
        u32 top = main.offset();
        main.load_local(2).push_int(1000).op(Opcode::Less);
        auto exit = main.jump(Opcode::JumpIfFalse);
        main.load_local(1).load_local(2).op(Opcode::Add).store_local(1);
        main.load_local(2).push_int(1).op(Opcode::Add).store_local(2);
        main.jump_to(Opcode::Jump, top);
        main.here(exit);
        // Globals: counter = total; arrays and maps; a[1] = a[0] + m["k"]
        main.load_local(1).global(Opcode::StoreGlobal, "counter");
        main.push_int(5).push_int(6).op(Opcode::MakeArray, 2).store_local(3);
        main.push_string("k").push_int(100).op(Opcode::MakeMap, 1).store_local(4);
        main.load_local(3)
            .push_int(1)
            .load_local(3)
            .push_int(0)
            .op(Opcode::GetIndex)
            .load_local(4)
            .push_string("k")
            .op(Opcode::GetIndex)
            .op(Opcode::Add)
            .op(Opcode::SetIndex);
        main.load_local(4).push_string("x").push_int(7).op(Opcode::SetIndex);
        main.load_local(3).call_static("Console", "println", 1).op(Opcode::Pop);
        main.load_local(4).call_static("Console", "println", 1).op(Opcode::Pop);
        main.global(Opcode::LoadGlobal, "counter")
            .load_local(3)
            .push_int(-1)
            .op(Opcode::GetIndex)
            .op(Opcode::Add)
            .op(Opcode::Return);
        image.methods.append(main.locals(5).finish("main", MethodKind::Static, 0));
        Assembler undefined;
        undefined.global(Opcode::LoadGlobal, "nowhere").op(Opcode::Return);
        image.methods.append(undefined.finish("undefined", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 499500 + 105);
        QCOMPARE(machine.host.output, QString("[5, 105]\n{\"k\": 100, \"x\": 7}\n"));
        QVERIFY(machine.vm->call_static("Main"sv, "undefined"sv).is_error());
        QVERIFY(machine.host.errors.contains("NameError: nowhere is not defined"));
    }

    void logicAndTypeChecks()
    {
        auto image = make_class("Main");
        Assembler main;
        // (nil || 5) + (0 && 7) -> 5 + 7 = 12 (0 is truthy)
        main.op(Opcode::PushNil);
        auto or_done = main.jump(Opcode::OrJump);
        main.push_int(5);
        main.here(or_done);
        main.push_int(0);
        auto and_done = main.jump(Opcode::AndJump);
        main.push_int(7);
        main.here(and_done);
        main.op(Opcode::Add);
        main.op(Opcode::PushFalse).op(Opcode::Not);
        auto good = main.jump(Opcode::JumpIfTrue);
        main.push_int(-1).op(Opcode::Return);
        main.here(good);
        main.type(Opcode::CheckType, "Int").op(Opcode::Return);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        Assembler bad;
        bad.push_string("text").type(Opcode::CheckType, "Int").op(Opcode::Return);
        image.methods.append(bad.finish("bad", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 12);
        QVERIFY(machine.vm->call_static("Main"sv, "bad"sv).is_error());
        QVERIFY(machine.host.errors.contains("TypeError: expected Int, got String"));
    }

    void loadErrors()
    {
        Machine machine;
        auto orphan = make_class("Orphan", "Missing");
        Assembler a;
        a.op(Opcode::ReturnNil);
        orphan.methods.append(a.finish("main", MethodKind::Static, 0));
        QVERIFY(machine.load(program_of(move(orphan))).contains("superclass Missing does not exist"));
        QCOMPARE(machine.load(program_of(fib_class())), QString());
        QVERIFY(machine.load(program_of(fib_class())).contains("already loaded"));
    }

    void deepRecursionIsAnException()
    {
        auto image = make_class("Main");
        Assembler down;
        down.load_local(1).push_int(1).op(Opcode::Add).call_static("Main", "down", 1).op(Opcode::Return);
        image.methods.append(down.finish("down", MethodKind::Static, 1));
        Assembler main;
        main.push_int(0).call_static("Main", "down", 1).op(Opcode::Return);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 1);
        QVERIFY(machine.host.errors.startsWith("Uncaught StackOverflow"));
        QVERIFY(machine.host.errors.contains("  ...\n"));
    }

    void collectsWhileRunning()
    {
        // Allocation-heavy code under a collector that runs before every allocation.
        auto image = make_class("Main");
        Assembler main;
        main.op(Opcode::MakeArray, 0).store_local(1).push_int(0).store_local(2);
        u32 top = main.offset();
        main.load_local(2).push_int(200).op(Opcode::Less);
        auto exit = main.jump(Opcode::JumpIfFalse);
        main.load_local(1)
            .push_string("s")
            .load_local(2)
            .op(Opcode::Add)
            .load_local(2)
            .push_float(0.5)
            .op(Opcode::Multiply)
            .op(Opcode::MakeArray, 2)
            .send("push", 1)
            .op(Opcode::Pop);
        main.load_local(2).push_int(1).op(Opcode::Add).store_local(2);
        main.jump_to(Opcode::Jump, top);
        main.here(exit);
        main.load_local(1)
            .push_int(199)
            .op(Opcode::GetIndex)
            .push_int(0)
            .op(Opcode::GetIndex)
            .call_static("Console", "println", 1)
            .op(Opcode::Pop);
        main.load_local(1)
            .push_int(199)
            .op(Opcode::GetIndex)
            .push_int(1)
            .op(Opcode::GetIndex)
            .call_static("Console", "println", 1)
            .op(Opcode::Pop);
        main.load_local(1).send("length", 0).op(Opcode::Return);
        image.methods.append(main.locals(3).finish("main", MethodKind::Static, 0));
        VM::HeapOptions options;
        options.stress = VM::GcStress::Yes;
        Machine machine(16 * 1024 * 1024, options);
        QCOMPARE(machine.load(program_of(move(image))), QString());
        QCOMPARE(integer_result(machine, "Main", "main"), 200);
        QCOMPARE(machine.host.output, QString("s199\n99.5\n"));
        QVERIFY(!machine.heap->verify().is_error());
    }
};

QTEST_GUILESS_MAIN(InterpreterTest)
#include "InterpreterTest.moc"
