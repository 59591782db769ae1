/*
 * tests/vm/VerifierTest.cpp: one case per verifier rule. Each starts from a program that
 * verifies, breaks exactly one rule, and checks that the verifier names that rule (and the
 * class, method and offset in its message) and that the VM refuses to load the program.
 */
#include "Assembler.h"
#include <functional>

using namespace CoreTest;
using VM::ClassImage;
using VM::ConstantKind;
using VM::MethodImage;
using VM::ProgramImage;
using VM::VerifierRule;

Q_DECLARE_METATYPE(VM::VerifierRule)

namespace {

using Mutation = std::function<void(ProgramImage&)>;

// Main { static main() { var x = 1; return x + 2 } static helper(a) {...} } with a closure.
ProgramImage valid_program()
{
    auto image = make_class("Main");
    image.fields.append({string("count"), {}});
    Assembler main;
    main.line(1).push_int(1).store_local(1).load_local(1).push_int(2).op(Opcode::Add).op(Opcode::Return);
    image.methods.append(main.locals(2).finish("main", MethodKind::Static, 0));
    Assembler closure_body;
    closure_body.op(Opcode::LoadCaptured, 0).op(Opcode::Return).capture(VM::CaptureSource::Local, 1);
    image.functions.append(closure_body.finish("<closure>", MethodKind::Function, 0));
    Assembler maker;
    maker.push_int(0).store_local(1).op(Opcode::MakeBox, 1).closure(0).op(Opcode::Return);
    image.methods.append(maker.locals(2).finish("maker", MethodKind::Static, 0));
    // try { throw 1 } catch (any) { return 2 }
    Assembler guarded;
    u32 start = guarded.offset();
    guarded.push_int(1).op(Opcode::Throw);
    u32 end = guarded.offset();
    u32 target = guarded.offset();
    guarded.op(Opcode::Return);
    guarded.handler(start, end, target, "", 0);
    image.methods.append(guarded.finish("guarded", MethodKind::Static, 0));
    return program_of(move(image));
}

MethodImage& main_method(ProgramImage& program) { return program.classes[0].methods[0]; }
MethodImage& maker_method(ProgramImage& program) { return program.classes[0].methods[1]; }
MethodImage& guarded_method(ProgramImage& program) { return program.classes[0].methods[2]; }

void set_code(MethodImage& method, std::initializer_list<u8> bytes)
{
    method.code.clear();
    for (u8 byte : bytes)
        method.code.append(byte);
}

constexpr u8 op(Opcode opcode) { return static_cast<u8>(opcode); }

} // namespace

class VerifierTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validProgramVerifiesAndRuns()
    {
        auto program = valid_program();
        String message;
        auto verified = VM::verify_program(program, &message);
        QVERIFY2(!verified.is_error(), message.characters());
        Machine machine;
        QCOMPARE(machine.load(program), QString());
        QCOMPARE(MUST(machine.vm->run_main()), 3);
    }

    void rejects_data()
    {
        QTest::addColumn<VerifierRule>("rule");
        QTest::addColumn<void*>("mutation");
        QTest::addColumn<QString>("where");
        auto add = [](char const* name, VerifierRule rule, char const* where, Mutation mutation) {
            QTest::newRow(name) << rule << static_cast<void*>(new Mutation(std::move(mutation)))
                                << QString(where);
        };
        add("empty_class_name", VerifierRule::EmptyClassName, "class <unnamed>", [](auto& p) {
            p.classes[0].name = String();
            p.main_class = String();
        });
        add("duplicate_class", VerifierRule::DuplicateClass, "class Main",
            [](auto& p) { p.classes.append(make_class("Main")); });
        add("duplicate_field", VerifierRule::DuplicateField, "field count", [](auto& p) {
            p.classes[0].fields.append({string("count"), {}});
        });
        add("duplicate_method", VerifierRule::DuplicateMethod, "method main", [](auto& p) {
            auto copy = valid_program();
            p.classes[0].methods.append(move(copy.classes[0].methods[0]));
        });
        add("empty_method_name", VerifierRule::EmptyMethodName, "class Main",
            [](auto& p) { main_method(p).name = String(); });
        add("bad_method_kind", VerifierRule::BadMethodKind, "method main",
            [](auto& p) { main_method(p).kind = MethodKind::Function; });
        add("bad_local_count", VerifierRule::BadLocalCount, "method main", [](auto& p) {
            main_method(p).parameter_count = 3;
            main_method(p).local_count = 2;
        });
        add("empty_code", VerifierRule::EmptyCode, "method main",
            [](auto& p) { main_method(p).code.clear(); });
        add("unknown_opcode", VerifierRule::UnknownOpcode, "offset 0", [](auto& p) {
            set_code(main_method(p), {0xee, op(Opcode::ReturnNil)});
        });
        add("truncated_instruction", VerifierRule::TruncatedInstruction, "offset 1", [](auto& p) {
            set_code(main_method(p), {op(Opcode::Nop), op(Opcode::PushInt), 1});
        });
        add("local_out_of_range", VerifierRule::LocalOutOfRange, "offset 0", [](auto& p) {
            set_code(main_method(p), {op(Opcode::LoadLocal), 9, 0, op(Opcode::Return)});
        });
        add("captured_out_of_range", VerifierRule::CapturedOutOfRange, "offset 0", [](auto& p) {
            set_code(main_method(p), {op(Opcode::LoadCaptured), 0, 0, op(Opcode::Return)});
        });
        add("constant_out_of_range", VerifierRule::ConstantOutOfRange, "offset 0", [](auto& p) {
            set_code(main_method(p), {op(Opcode::PushConstant), 40, 0, op(Opcode::Return)});
        });
        add("wrong_constant_kind", VerifierRule::WrongConstantKind, "offset 0", [](auto& p) {
            VM::Constant constant;
            constant.kind = ConstantKind::Integer;
            constant.integer = 5;
            main_method(p).constants.append(move(constant));
            u8 index = static_cast<u8>(main_method(p).constants.size() - 1);
            set_code(main_method(p), {op(Opcode::LoadGlobal), index, 0, 0, 0, op(Opcode::Return)});
        });
        add("function_out_of_range", VerifierRule::FunctionOutOfRange, "method maker", [](auto& p) {
            for (auto& constant : maker_method(p).constants) {
                if (constant.kind == ConstantKind::Function)
                    constant.function_index = 7;
            }
        });
        add("bad_capture", VerifierRule::BadCapture, "method maker",
            [](auto& p) { p.classes[0].functions[0].captures[0].index = 30; });
        add("jump_out_of_range", VerifierRule::JumpOutOfRange, "offset 0", [](auto& p) {
            set_code(main_method(p), {op(Opcode::Jump), 100, 0, 0, 0, op(Opcode::ReturnNil)});
        });
        add("jump_into_instruction", VerifierRule::JumpIntoInstruction, "offset 0", [](auto& p) {
            set_code(main_method(p),
                {op(Opcode::Jump), 1, 0, 0, 0, op(Opcode::PushInt), 1, 0, op(Opcode::Return)});
        });
        add("stack_underflow", VerifierRule::StackUnderflow, "offset 3", [](auto& p) {
            set_code(main_method(p), {op(Opcode::PushInt), 1, 0, op(Opcode::Add), op(Opcode::Return)});
        });
        add("stack_overflow", VerifierRule::StackOverflow, "offset 3", [](auto& p) {
            main_method(p).max_stack = 1;
            set_code(main_method(p),
                {op(Opcode::PushInt), 1, 0, op(Opcode::PushInt), 2, 0, op(Opcode::Add), op(Opcode::Return)});
        });
        add("inconsistent_stack", VerifierRule::InconsistentStack, "offset", [](auto& p) {
            // push_true; jump_if_false +3 (to the return_nil... with one more value on one path)
            set_code(main_method(p),
                {op(Opcode::PushTrue), op(Opcode::JumpIfFalse), 3, 0, 0, 0, op(Opcode::PushInt), 1, 0,
                    op(Opcode::ReturnNil)});
        });
        add("falls_off_end", VerifierRule::FallsOffEnd, "offset 0",
            [](auto& p) { set_code(main_method(p), {op(Opcode::Nop)}); });
        add("bad_handler_range", VerifierRule::BadHandlerRange, "method guarded",
            [](auto& p) { guarded_method(p).handlers[0].end = 999; });
        add("bad_handler_target", VerifierRule::BadHandlerTarget, "method guarded",
            [](auto& p) { guarded_method(p).handlers[0].handler = 1; });
        add("bad_handler_depth", VerifierRule::BadHandlerDepth, "method guarded", [](auto& p) {
            guarded_method(p).handlers[0].stack_depth = 3;
            guarded_method(p).max_stack = 8;
        });
        add("bad_line_table", VerifierRule::BadLineTable, "method main", [](auto& p) {
            main_method(p).lines.append({500, 3, 1});
        });
        add("too_many_caches", VerifierRule::TooManyCaches, "method main", [](auto& p) {
            auto& method = main_method(p);
            method.code.clear();
            u8 name = static_cast<u8>(method.constants.size());
            VM::Constant constant;
            constant.kind = ConstantKind::Name;
            constant.text = string("g");
            method.constants.append(move(constant));
            for (int i = 0; i < 65536; ++i) {
                for (u8 byte : {op(Opcode::LoadGlobal), name, u8(0), u8(0), u8(0), op(Opcode::Pop)})
                    method.code.append(byte);
            }
            method.code.append(op(Opcode::ReturnNil));
        });
        add("test_without_jump", VerifierRule::TestWithoutJump, "offset 6", [](auto& p) {
            set_code(main_method(p),
                {op(Opcode::PushInt), 1, 0, op(Opcode::PushInt), 2, 0, op(Opcode::TestLess),
                    op(Opcode::Return)});
        });
        add("test_at_end", VerifierRule::TestWithoutJump, "offset 6", [](auto& p) {
            set_code(main_method(p),
                {op(Opcode::PushInt), 1, 0, op(Opcode::PushInt), 2, 0, op(Opcode::TestEqual)});
        });
        add("immediate_arithmetic_scratch_slot", VerifierRule::StackOverflow, "offset 3", [](auto& p) {
            // add_int's general path pushes its immediate: it needs one slot above its operand.
            main_method(p).max_stack = 1;
            set_code(
                main_method(p), {op(Opcode::PushInt), 1, 0, op(Opcode::AddInt), 2, 0, op(Opcode::Return)});
        });
        add("missing_main_class", VerifierRule::MissingMainClass, "class Nowhere",
            [](auto& p) { p.main_class = string("Nowhere"); });
    }

    void rejects()
    {
        QFETCH(VerifierRule, rule);
        QFETCH(void*, mutation);
        QFETCH(QString, where);
        std::unique_ptr<Mutation> owned(static_cast<Mutation*>(mutation));
        auto program = valid_program();
        (*owned)(program);
        String message;
        auto verified = VM::verify_program(program, &message);
        QVERIFY2(verified.is_error(), "the broken program verified");
        QVERIFY2(VM::is_verifier_error(verified.error(), rule), qPrintable(qt(message)));
        QVERIFY2(qt(message).contains(where), qPrintable(qt(message)));
        QVERIFY(qt(message).contains(qt(verified.error().message())));
        // The loader runs the verifier first: nothing of the program is loaded.
        Machine machine;
        QVERIFY(!machine.load(program).isEmpty());
        QVERIFY(machine.vm->find_class("Main"sv).is_nil());
    }

    void computesMaxStack()
    {
        Assembler a;
        a.push_int(1).push_int(2).push_int(3).op(Opcode::Add).op(Opcode::Add).op(Opcode::Return);
        auto method = a.finish("sum", MethodKind::Static, 0);
        QCOMPARE(method.max_stack, u16(3));
        // add_int and subtract_int reserve one slot for their immediate's general path.
        Assembler immediate;
        immediate.push_int(1).op(Opcode::SubtractInt, 2).op(Opcode::Return);
        QCOMPARE(immediate.finish("decrement", MethodKind::Static, 0).max_stack, u16(2));
        // A test_* followed by its jump verifies.
        Assembler test;
        test.push_int(1).push_int(2).op(Opcode::TestGreater);
        auto skip = test.jump(Opcode::JumpIfTrue);
        test.here(skip);
        test.op(Opcode::ReturnNil);
        QCOMPARE(test.finish("compare", MethodKind::Static, 0).max_stack, u16(2));
    }
};

QTEST_GUILESS_MAIN(VerifierTest)
#include "VerifierTest.moc"
