/*
 * tests/vm/FusedInstructionTest.cpp: the fused instructions (test_* before a conditional jump,
 * add_int and subtract_int). Each fused form must behave exactly like the plain sequence it
 * replaces (comparison + jump, push_int + add/subtract) on every kind of operand: integers on
 * the fast path, and floats, strings, nil, NaN and objects with their own operator methods on
 * the general path. The plain sequence is the oracle.
 */
#include "Assembler.h"

using namespace CoreTest;
using VM::ClassImage;
using VM::Value;

namespace {

enum class Operand {
    One,
    Two,
    Three,
    Minus,
    Half,
    Nan,
    StringA,
    StringB,
    Nil,
    Box,
};

constexpr Operand all_operands[] = {Operand::One, Operand::Two, Operand::Three, Operand::Minus, Operand::Half,
    Operand::Nan, Operand::StringA, Operand::StringB, Operand::Nil, Operand::Box};

void push(Assembler& a, Operand operand)
{
    switch (operand) {
    case Operand::One:
        a.push_int(1);
        return;
    case Operand::Two:
        a.push_int(2);
        return;
    case Operand::Three:
        a.push_int(3);
        return;
    case Operand::Minus:
        a.push_integer(-1000000000000LL);
        return;
    case Operand::Half:
        a.push_float(2.5);
        return;
    case Operand::Nan:
        a.push_float(__builtin_nan(""));
        return;
    case Operand::StringA:
        a.push_string("apple");
        return;
    case Operand::StringB:
        a.push_string("banana");
        return;
    case Operand::Nil:
        a.op(Opcode::PushNil);
        return;
    case Operand::Box:
        a.new_object("Box", 0);
        return;
    }
}

// class Box: its comparison and arithmetic operators are Phantom methods, reached by sends.
// Every comparison answers true (so != through == answers false); + and - answer 100 + the
// argument and 200 + the argument, so the test sees the argument the send received.
ClassImage box_class()
{
    auto image = make_class("Box");
    for (char const* name : {"<", "<=", ">", ">=", "=="}) {
        Assembler a;
        a.op(Opcode::PushTrue).op(Opcode::Return);
        image.methods.append(a.finish(name, MethodKind::Instance, 1));
    }
    Assembler plus;
    plus.push_int(100).load_local(1).op(Opcode::Add).op(Opcode::Return);
    image.methods.append(plus.finish("+", MethodKind::Instance, 1));
    Assembler minus;
    minus.push_int(200).load_local(1).op(Opcode::Add).op(Opcode::Return);
    image.methods.append(minus.finish("-", MethodKind::Instance, 1));
    return image;
}

// Runs Main.main of a program made of `main_image` and Box. Returns the integer result, or a
// string naming the error (the exception report's first line).
QString outcome(ClassImage&& main_image)
{
    VM::ProgramImage program;
    program.main_class = string("Main");
    program.classes.append(move(main_image));
    program.classes.append(box_class());
    Machine machine;
    auto loaded = machine.load(program);
    if (!loaded.isEmpty())
        return "LOAD " + loaded;
    auto result = machine.vm->call_static("Main"sv, "main"sv);
    if (result.is_error())
        return "ERROR " + machine.host.errors.section('\n', 0, 0);
    Value value = result.value();
    if (value.is_integer())
        return QString::number(value.as_integer());
    if (value.is_object() && value.as_object()->kind == VM::ObjectKind::Float)
        return "float " + QString::number(VM::float_of(value));
    return "other";
}

// main: push left, right; compare (fused or plain); jump_if_<when> to "1", else "0".
QString branch_outcome(Operand left, Operand right, Opcode comparison, bool fused, bool when)
{
    auto image = make_class("Main");
    Assembler a;
    push(a, left);
    push(a, right);
    a.op(fused ? VM::test_form(comparison) : comparison);
    auto taken = a.jump(when ? Opcode::JumpIfTrue : Opcode::JumpIfFalse);
    a.push_int(0).op(Opcode::Return);
    a.here(taken);
    a.push_int(1).op(Opcode::Return);
    image.methods.append(a.finish("main", MethodKind::Static, 0));
    return outcome(move(image));
}

// main: push operand, then add_int/subtract_int `immediate` (fused) or push_int + add/subtract.
QString arithmetic_outcome(Operand operand, i16 immediate, bool subtract, bool fused)
{
    auto image = make_class("Main");
    Assembler a;
    push(a, operand);
    if (fused)
        a.op(subtract ? Opcode::SubtractInt : Opcode::AddInt, static_cast<u16>(immediate));
    else
        a.push_int(immediate).op(subtract ? Opcode::Subtract : Opcode::Add);
    a.op(Opcode::Return);
    image.methods.append(a.finish("main", MethodKind::Static, 0));
    return outcome(move(image));
}

} // namespace

class FusedInstructionTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testsMatchComparisonAndJump()
    {
        Opcode const comparisons[] = {Opcode::Equal, Opcode::NotEqual, Opcode::Less, Opcode::LessEqual,
            Opcode::Greater, Opcode::GreaterEqual};
        int checked = 0;
        for (Opcode comparison : comparisons) {
            for (Operand left : all_operands) {
                for (Operand right : all_operands) {
                    for (bool when : {false, true}) {
                        auto plain = branch_outcome(left, right, comparison, false, when);
                        auto fused = branch_outcome(left, right, comparison, true, when);
                        QVERIFY2(plain == fused,
                            qPrintable(QString("%1 %2 %3 jump when %4: plain %5, fused %6")
                                           .arg(int(left))
                                           .arg(qt(VM::opcode_info(comparison).mnemonic))
                                           .arg(int(right))
                                           .arg(when)
                                           .arg(plain, fused)));
                        ++checked;
                    }
                }
            }
        }
        QCOMPARE(checked, 6 * 10 * 10 * 2);
    }

    void testsKnownAnswers()
    {
        // Integers (fast path), both jump senses.
        QCOMPARE(branch_outcome(Operand::One, Operand::Two, Opcode::Less, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::One, Operand::Two, Opcode::Less, true, false), QString("0"));
        QCOMPARE(branch_outcome(Operand::Two, Operand::Two, Opcode::LessEqual, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::Three, Operand::Two, Opcode::Greater, true, true), QString("1"));
        QCOMPARE(
            branch_outcome(Operand::Minus, Operand::One, Opcode::GreaterEqual, true, true), QString("0"));
        QCOMPARE(branch_outcome(Operand::Two, Operand::Two, Opcode::Equal, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::Two, Operand::Three, Opcode::NotEqual, true, false), QString("0"));
        // Floats, strings and NaN (general path): NaN is neither less nor greater-or-equal.
        QCOMPARE(branch_outcome(Operand::Two, Operand::Half, Opcode::Less, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::StringA, Operand::StringB, Opcode::Less, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::Nan, Operand::One, Opcode::Less, true, true), QString("0"));
        QCOMPARE(branch_outcome(Operand::Nan, Operand::One, Opcode::GreaterEqual, true, true), QString("0"));
        QCOMPARE(branch_outcome(Operand::Nan, Operand::Nan, Opcode::NotEqual, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::Nil, Operand::Nil, Opcode::Equal, true, true), QString("1"));
        // A class's own operators (sends); != is the negation of its ==.
        QCOMPARE(branch_outcome(Operand::Box, Operand::One, Opcode::Less, true, true), QString("1"));
        QCOMPARE(branch_outcome(Operand::Box, Operand::One, Opcode::NotEqual, true, true), QString("0"));
        QCOMPARE(branch_outcome(Operand::Box, Operand::One, Opcode::NotEqual, true, false), QString("1"));
        // No ordering between an integer and nil: the same error as the plain comparison.
        auto error = branch_outcome(Operand::One, Operand::Nil, Opcode::Less, true, true);
        QVERIFY2(error.startsWith("ERROR"), qPrintable(error));
    }

    void testLoopsBackwardThroughSafepoints()
    {
        // i = 0; do { i = i + 1 } while (i < 100000); return i — with a short time slice, so
        // the backward test_less + jump_if_true yields and resumes many times.
        auto image = make_class("Main");
        Assembler a;
        a.push_int(0).store_local(1);
        u32 body = a.offset();
        a.load_local(1).op(Opcode::AddInt, 1).store_local(1);
        a.load_local(1).push_integer(100000).op(Opcode::TestLess);
        a.jump_to(Opcode::JumpIfTrue, body);
        a.load_local(1).op(Opcode::Return);
        image.methods.append(a.locals(2).finish("main", MethodKind::Static, 0));
        QCOMPARE(outcome(move(image)), QString("100000"));
    }

    void immediateArithmeticMatchesPushAndOperator()
    {
        int checked = 0;
        for (Operand operand : all_operands) {
            for (i16 immediate : {i16(0), i16(1), i16(-7), i16(32767), i16(-32768)}) {
                for (bool subtract : {false, true}) {
                    auto plain = arithmetic_outcome(operand, immediate, subtract, false);
                    auto fused = arithmetic_outcome(operand, immediate, subtract, true);
                    QVERIFY2(plain == fused,
                        qPrintable(QString("operand %1 %2 %3: plain %4, fused %5")
                                       .arg(int(operand))
                                       .arg(subtract ? "-" : "+")
                                       .arg(immediate)
                                       .arg(plain, fused)));
                    ++checked;
                }
            }
        }
        QCOMPARE(checked, 10 * 5 * 2);
    }

    void immediateArithmeticKnownAnswers()
    {
        QCOMPARE(arithmetic_outcome(Operand::Three, -7, false, true), QString("-4"));
        QCOMPARE(arithmetic_outcome(Operand::Three, -32768, true, true), QString("32771"));
        QCOMPARE(arithmetic_outcome(Operand::Minus, 32767, false, true), QString("-999999967233"));
        QCOMPARE(arithmetic_outcome(Operand::Half, 1, false, true), QString("float 3.5"));
        QCOMPARE(arithmetic_outcome(Operand::Half, 1, true, true), QString("float 1.5"));
        // The class's own + and - receive the immediate as their argument.
        QCOMPARE(arithmetic_outcome(Operand::Box, 5, false, true), QString("105"));
        QCOMPARE(arithmetic_outcome(Operand::Box, 5, true, true), QString("205"));
        auto error = arithmetic_outcome(Operand::Nil, 1, false, true);
        QVERIFY2(error.startsWith("ERROR"), qPrintable(error));
    }

    void immediateArithmeticOverflows()
    {
        // The largest small integer plus one, and the smallest minus one.
        constexpr i64 largest = (i64(1) << 61) - 1 + (i64(1) << 61);
        for (bool subtract : {false, true}) {
            auto image = make_class("Main");
            Assembler a;
            a.push_integer(subtract ? -largest - 1 : largest);
            a.op(subtract ? Opcode::SubtractInt : Opcode::AddInt, 1).op(Opcode::Return);
            image.methods.append(a.finish("main", MethodKind::Static, 0));
            auto result = outcome(move(image));
            QVERIFY2(result.contains("integer overflow in"), qPrintable(result));
        }
    }
};

QTEST_GUILESS_MAIN(FusedInstructionTest)
#include "FusedInstructionTest.moc"
