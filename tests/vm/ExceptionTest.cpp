/*
 * tests/vm/ExceptionTest.cpp: throw, catch by class (inner handlers first), catch-any,
 * finally on the normal and the exceptional path, rethrow across frames with the operand
 * stack cut back, exceptions raised by natives, user exception classes, and the text of the
 * report for an uncaught exception (class, message, and class.method (file:line) per frame).
 */
#include "Assembler.h"

using namespace CoreTest;

class ExceptionTest : public QObject {
    Q_OBJECT

private:
    static void println(Assembler& a) { a.call_static("Console", "println", 1).op(Opcode::Pop); }

    // class MyError extends Exception { code; init(message, code) { super.init(message); this.code = code } }
    static VM::ClassImage my_error()
    {
        auto image = make_class("MyError", "Exception");
        image.fields.append({string("code"), {}});
        Assembler init;
        init.op(Opcode::PushSelf).load_local(1).send("init", 1, Opcode::SuperSend).op(Opcode::Pop);
        init.load_local(2).field(Opcode::StoreSelfField, "code").op(Opcode::ReturnNil);
        image.methods.append(init.finish("init", MethodKind::Constructor, 2));
        return image;
    }

    static VM::ProgramImage program(VM::ClassImage&& main)
    {
        auto result = program_of(move(main));
        result.classes.append(my_error());
        return result;
    }

private Q_SLOTS:
    void catchByClassInnerFirst()
    {
        auto image = make_class("Main");
        Assembler a;
        // try { try { throw new MyError("boom", 7) } catch (TypeError) { print "wrong" } }
        // catch (MyError e) { print e.message(); print e.code }
        u32 start = a.offset();
        a.line(3).push_string("boom").push_int(7).new_object("MyError", 2).op(Opcode::Throw);
        u32 end = a.offset();
        u32 wrong = a.offset();
        a.op(Opcode::Pop).push_string("wrong");
        println(a);
        a.op(Opcode::ReturnNil);
        u32 right = a.offset();
        a.store_local(1).load_local(1).send("message", 0);
        println(a);
        a.load_local(1).field(Opcode::LoadField, "code");
        println(a);
        a.load_local(1).send("stackTrace", 0);
        println(a);
        a.op(Opcode::ReturnNil);
        a.handler(start, end, wrong, "TypeError", 0);
        a.handler(start, end, right, "MyError", 0);
        image.methods.append(a.locals(2).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 0);
        QCOMPARE(machine.host.output, QString("boom\n7\n  at Main.main (test.ph:3)\n\n"));
        QCOMPARE(machine.host.errors, QString());
    }

    void finallyOnBothPaths()
    {
        auto image = make_class("Main");
        // static run(fail) { try { if (fail) throw "x"; print "body" } finally { print "finally" } return 1 }
        Assembler run;
        u32 start = run.offset();
        run.load_local(1);
        auto no_throw = run.jump(Opcode::JumpIfFalse);
        run.push_string("x").op(Opcode::Throw);
        run.here(no_throw);
        run.push_string("body");
        println(run);
        u32 end = run.offset();
        run.push_string("finally");
        println(run);
        run.push_int(1).op(Opcode::Return);
        u32 handler = run.offset();
        run.push_string("finally");
        println(run);
        run.op(Opcode::Throw);
        run.handler(start, end, handler, "", 0);
        image.methods.append(run.finish("run", MethodKind::Static, 1));
        // static main() { print run(false); try { run(true) } catch (e) { print "caught " + e } return 0 }
        Assembler main;
        main.op(Opcode::PushFalse).call_static("Main", "run", 1);
        println(main);
        u32 try_start = main.offset();
        main.op(Opcode::PushTrue).call_static("Main", "run", 1).op(Opcode::Pop);
        u32 try_end = main.offset();
        main.push_int(0).op(Opcode::Return);
        u32 caught = main.offset();
        main.store_local(1).push_string("caught ").load_local(1).op(Opcode::Add);
        println(main);
        main.push_int(0).op(Opcode::Return);
        main.handler(try_start, try_end, caught, "", 0);
        image.methods.append(main.locals(2).finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 0);
        QCOMPARE(machine.host.output, QString("body\nfinally\n1\nfinally\ncaught x\n"));
    }

    void stackIsCutToTheHandlerDepth()
    {
        auto image = make_class("Main");
        Assembler thrower;
        thrower.push_int(1)
            .push_int(2)
            .push_int(3)
            .op(Opcode::MakeArray, 3)
            .push_int(10)
            .op(Opcode::GetIndex)
            .op(Opcode::Return);
        image.methods.append(thrower.finish("thrower", MethodKind::Static, 0));
        Assembler main;
        // 100 stays below the try; the call leaves junk above it when the exception comes back.
        main.push_int(100);
        u32 start = main.offset();
        main.push_int(5).push_int(6).call_static("Main", "thrower", 0).op(Opcode::Add).op(Opcode::Add);
        u32 end = main.offset();
        main.op(Opcode::Return);
        u32 handler = main.offset();
        main.send("message", 0);
        println(main);
        main.push_int(1).op(Opcode::Add).op(Opcode::Return);
        main.handler(start, end, handler, "IndexError", 1);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 101);
        QCOMPARE(machine.host.output, QString("index 10 out of range for an array of length 3\n"));
    }

    void uncaughtReport()
    {
        auto image = make_class("Main");
        Assembler inner;
        inner.line(10).push_string("deep").push_int(3).new_object("MyError", 2).op(Opcode::Throw);
        image.methods.append(inner.finish("inner", MethodKind::Static, 0));
        Assembler middle;
        middle.line(20).op(Opcode::PushSelf).call_static("Main", "inner", 0).op(Opcode::Return);
        image.methods.append(middle.finish("middle", MethodKind::Instance, 0));
        Assembler main;
        main.line(30).new_object("Main", 0).line(31).send("middle", 0).op(Opcode::Return);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program(move(image))), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 1);
        QCOMPARE(machine.host.errors,
            QString("Uncaught MyError: deep\n"
                    "  at Main.inner (test.ph:10)\n"
                    "  at Main.middle (test.ph:20)\n"
                    "  at Main.main (test.ph:31)\n"));
    }

    void uncaughtPlainValueAndRethrowKeepsTrace()
    {
        auto image = make_class("Main");
        Assembler plain;
        plain.line(5).push_int(42).op(Opcode::Throw);
        image.methods.append(plain.finish("plain", MethodKind::Static, 0));
        Assembler origin;
        origin.line(7).push_string("first").push_int(1).new_object("MyError", 2).op(Opcode::Throw);
        image.methods.append(origin.finish("origin", MethodKind::Static, 0));
        Assembler rethrow;
        u32 start = rethrow.offset();
        rethrow.line(9).call_static("Main", "origin", 0).op(Opcode::Return);
        u32 end = rethrow.offset();
        u32 handler = rethrow.offset();
        rethrow.line(12).op(Opcode::Throw);
        rethrow.handler(start, end, handler, "Exception", 0);
        image.methods.append(rethrow.finish("rethrow", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program(move(image))), QString());
        QVERIFY(machine.vm->call_static("Main"sv, "plain"sv).is_error());
        QCOMPARE(machine.host.errors, QString("Uncaught Int: 42\n  at Main.plain (test.ph:5)\n"));
        machine.host.errors.clear();
        QVERIFY(machine.vm->call_static("Main"sv, "rethrow"sv).is_error());
        // The trace is the one recorded where the exception was first thrown.
        QCOMPARE(machine.host.errors,
            QString(
                "Uncaught MyError: first\n  at Main.origin (test.ph:7)\n  at Main.rethrow (test.ph:9)\n"));
    }

    void nativeErrorsAreCatchable()
    {
        auto image = make_class("Main");
        Assembler main;
        u32 start = main.offset();
        main.push_string("abc").push_int(1).push_int(99).send("substring", 2);
        u32 end = main.offset();
        main.op(Opcode::Return);
        u32 handler = main.offset();
        main.type(Opcode::InstanceOf, "Error");
        main.op(Opcode::Return);
        main.handler(start, end, handler, "IndexError", 0);
        image.methods.append(main.finish("main", MethodKind::Static, 0));
        Machine machine;
        QCOMPARE(machine.load(program(move(image))), QString());
        auto result = MUST(machine.vm->call_static("Main"sv, "main"sv));
        QCOMPARE(result, machine.vm->true_value());
    }
};

QTEST_GUILESS_MAIN(ExceptionTest)
#include "ExceptionTest.moc"
