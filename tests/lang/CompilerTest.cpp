/*
 * tests/lang/CompilerTest.cpp: unit tests of the Phantom compiler front end and code
 * generator (Qt Test; CTest runs each function as lang.<area>): tokens, the syntax tree,
 * diagnostic text and positions, several errors per run, recovery, name resolution and type
 * annotations, the bytecode of small functions, the verifier accepting everything the
 * compiler emits, and malformed or hostile input never crashing the compiler.
 */
#include <QObject>
#include <QString>
#include <QTest>

#include <vm/ClassImage.h>
#include <vm/Verifier.h>
#include <vm/lang/Compiler.h>
#include <vm/lang/Lexer.h>

#include <string>

namespace {

QString to_qstring(StringView text)
{
    return QString::fromUtf8(text.characters_without_null_termination(), static_cast<int>(text.length()));
}

struct CompileResult {
    bool ok {false};
    QString diagnostics; // render_short(): one "file:line:column: message" per error
    QString rendered;    // render(): with source lines and carets
    usize error_count {0};
    VM::ProgramImage program;
};

CompileResult compile_text(std::string const& text, char const* path = "test.ph")
{
    Lang::SourceFile file {StringView(path), StringView(text.data(), text.size())};
    Lang::Diagnostics diagnostics;
    auto program = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics);
    CompileResult result;
    result.ok = !program.is_error();
    result.diagnostics = to_qstring(MUST(diagnostics.render_short()));
    result.rendered = to_qstring(MUST(diagnostics.render()));
    result.error_count = diagnostics.error_count();
    if (result.ok)
        result.program = program.release_value();
    return result;
}

QStringList token_names(std::string const& text)
{
    Lang::Diagnostics diagnostics;
    Lang::Lexer lexer(StringView(text.data(), text.size()), 0, diagnostics);
    auto tokens = MUST(lexer.tokenize());
    QStringList names;
    for (auto const& token : tokens)
        names.append(to_qstring(Lang::token_description(token.type)) + "=" + to_qstring(token.text));
    return names;
}

VM::MethodImage const* find_method(VM::ProgramImage const& program, char const* klass, char const* method)
{
    for (auto const& image : program.classes) {
        if (image.name != StringView(klass))
            continue;
        for (auto const& candidate : image.methods) {
            if (candidate.name == StringView(method))
                return &candidate;
        }
    }
    return nullptr;
}

// The opcodes of a method in order, as mnemonics.
QStringList mnemonics(VM::MethodImage const& method)
{
    QStringList list;
    u32 offset = 0;
    while (offset < method.code.size()) {
        auto opcode = static_cast<VM::Opcode>(method.code[offset]);
        list.append(to_qstring(VM::opcode_info(opcode).mnemonic));
        offset += VM::instruction_size(opcode);
    }
    return list;
}

// A deterministic generator so failures reproduce.
struct Random {
    u64 state;
    u64 next()
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
};

char const* const feature_program = R"PH(
class Shape {
    var name: string = "shape"
    static var count = 0
    init(name: string) { this.name = name; count += 1 }
    fun area(): float => 0.0
    fun describe() => "${name} with area ${area()}"
}
class Circle : Shape {
    var radius: float
    init(radius: float) { super("circle"); this.radius = radius }
    fun area(): float => 3.14 * radius * radius
}
class Square : Shape {
    var side = 1.0
    init(side) { super("square"); this.side = side }
    fun area(): float => side * side
    static fun unit() => Square(1.0)
}
fun total(shapes) {
    var sum = 0.0
    for (s in shapes) sum += s.area()
    return sum
}
fun counter() {
    var n = 0
    return fun() { n += 1; return n }
}
let shapes = [Circle(1.0), Square(2.0), Square.unit()]
print(total(shapes))
let next = counter()
next(); next()
var m = ["a": 1, "b": 2]
for (k, v in m) print("${k}=${v}")
for (i in 0..<3) { if (i == 1) continue; print(i) }
var j = 0
while (true) { j += 1; if (j > 5) break }
try {
    throw Error("boom")
} catch (e: Error) {
    print(e.message)
} finally {
    print("finally")
}
fun safe(f) {
    try { return f() } catch (e) { return nil } finally { print("left") }
}
print(safe(fun() => 1 / 0))
print(shapes[0] is Circle ? "circle" : "other")
var bits = (5 & 3) | (1 << 4) ^ ~0
print("${-bits % 7} ${!true} ${1 < 2 && 2 < 3 || false}")
var arr = [1, 2, 3]
arr[0] += 10
print("${arr[0]} ${Shape.count}")
fun nested() {
    fun fact(n) => n <= 1 ? 1 : n * fact(n - 1)
    return fact(10)
}
print(nested())
return 0
)PH";

} // namespace

class CompilerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lexer()
    {
        QCOMPARE(token_names("var x = 0x1F + 2.5e3 // comment\n\"a${b}c\" ..< .."),
            QStringList({"'var'=var", "identifier=x", "'='==", "integer=0x1F", "'+'=+", "number=2.5e3",
                "string=a", "identifier=b", "string=c", "'..<'=..<", "'..'=..", "end of file="}));
        QCOMPARE(Lang::Lexer::parse_integer("1_000"sv).value(), 1000);
        QCOMPARE(Lang::Lexer::parse_integer("0b101"sv).value(), 5);
        QVERIFY(!Lang::Lexer::parse_integer("99999999999999999999"sv).has_value());
        QCOMPARE(Lang::Lexer::parse_float("2.5e3"sv), 2500.0);
        QCOMPARE(Lang::Lexer::parse_float("0.125"sv), 0.125);
        auto decoded = MUST(Lang::Lexer::decode_string("a\\n\\t\\\"\\x41\\$"sv));
        QCOMPARE(to_qstring(decoded.view()), QString("a\n\t\"A$"));
    }

    void parser()
    {
        std::string text
            = "fun f(a: int) => a * 2 + 1\nclass P : Q { var x = 1 }\nfor (i in 0..<3) print(f(i))\n";
        Lang::SourceFile file {"p.ph"sv, StringView(text.data(), text.size())};
        Lang::Diagnostics diagnostics;
        auto tree = to_qstring(MUST(Lang::dump_syntax_tree(file, diagnostics)).view());
        QVERIFY(!diagnostics.has_errors());
        QCOMPARE(tree,
            QString("class P : Q\n  VarDecl x\n    IntegerLiteral 1\n"
                    "fun f(a: int)\n  Block\n    Return\n      Binary '+'\n        Binary '*'\n"
                    "          Identifier a\n          IntegerLiteral 2\n        IntegerLiteral 1\n"
                    "ForIn i\n  Range '..<'\n    IntegerLiteral 0\n    IntegerLiteral 3\n"
                    "  ExpressionStatement\n    Call\n      Identifier print\n      Call\n"
                    "        Identifier f\n        Identifier i\n"));
    }

    void diagnostics()
    {
        auto result = compile_text("var total = 1\nprint(totl)\n", "sum.ph");
        QVERIFY(!result.ok);
        QCOMPARE(result.rendered,
            QString("sum.ph:2:7: error: unknown name 'totl'; did you mean 'total'?\n     2 | print(totl)\n   "
                    "    |       ^\n"));
        // A tab in the line still lines the caret up (tabs are shown as one space).
        result = compile_text("\tvar x = @\n");
        QCOMPARE(result.rendered,
            QString(
                "test.ph:1:10: error: unexpected character '@'\n     1 |  var x = @\n       |          ^\n"));
    }

    void manyErrors()
    {
        auto result = compile_text("var a = 1\n"
                                   "print(b)\n"
                                   "let c = 2\n"
                                   "c = 3\n"
                                   "break\n"
                                   "var d: int = \"text\"\n"
                                   "undefined_function(1)\n");
        QVERIFY(!result.ok);
        QCOMPARE(result.diagnostics,
            QString("test.ph:2:7: unknown name 'b'\n"
                    "test.ph:4:1: 'c' is a constant (let) and cannot be assigned\n"
                    "test.ph:5:1: 'break' can only be used inside a loop\n"
                    "test.ph:6:14: d has type int but this is a string\n"
                    "test.ph:7:1: unknown name 'undefined_function'\n"));
        QCOMPARE(result.error_count, usize(5));
    }

    void recovery()
    {
        // Each broken statement gives one error and parsing resumes on the next line.
        auto result = compile_text("var x = (1 + \n"
                                   "print(\"ok\")\n"
                                   "if x > 1 { }\n"
                                   "var y = 3 $ 4\n"
                                   "class { }\n"
                                   "fun g( { }\n"
                                   "x = = 2\n");
        QVERIFY(!result.ok);
        QVERIFY2(result.error_count >= 5, qPrintable(result.diagnostics));
        QVERIFY(result.diagnostics.contains("test.ph:3:4: expected '(' after 'if', found 'x'"));
        QVERIFY(result.diagnostics.contains("test.ph:4:11: unexpected character '$'"));
        QVERIFY(result.diagnostics.contains("test.ph:5:7: expected a class name, found '{'"));
        QVERIFY(result.diagnostics.contains("test.ph:7:5: expected an expression, found '='"));
        // Unterminated constructs point at where they began.
        result = compile_text("fun f() {\n  print(1)\n");
        QVERIFY(result.diagnostics.contains("test.ph:1:9: this '{' is never closed; a '}' is missing"));
        result = compile_text("print(\"abc)\n");
        QVERIFY(result.diagnostics.contains("test.ph:1:7: unterminated string"));
        result = compile_text("/* open\n\nprint(1)");
        QVERIFY(result.diagnostics.contains("test.ph:1:1: unterminated comment"));
    }

    void resolver()
    {
        struct Case {
            char const* source;
            char const* error;
        };
        Case cases[] = {
            {"class A { fun f() {} }\nA().g()\n", "test.ph:2:5: class 'A' has no method 'g'"},
            {"fun f(a, b) {}\nf(1)\n", "test.ph:2:2: 'f' expects 2 arguments but 1 was given"},
            {"class A { init(x) {} }\nA()\n",
                "test.ph:2:2: the constructor of 'A' expects 1 argument but 0 were given"},
            {"class A { static fun s() {} }\nA.t()\n", "test.ph:2:3: class 'A' has no static method 't'"},
            {"class A { var x\n static fun s() { return x } }\n",
                "test.ph:2:26: field 'x' needs an instance"},
            {"class A : B {}\n", "test.ph:1:11: unknown superclass 'B'"},
            {"class A : A {}\n", "test.ph:1:11: class 'A' inherits from itself"},
            {"class A {}\nclass A {}\n", "test.ph:2:7: class 'A' is already declared"},
            {"print(this)\n", "test.ph:1:7: 'this' is only available in methods and constructors"},
            {"var x = 1\nvar x = 2\n", "test.ph:2:5: 'x' is already declared in this scope"},
            {"fun f() { continue }\n", "test.ph:1:11: 'continue' can only be used inside a loop"},
            {"for (i in 0..<3) { i = 2 }\n", "test.ph:1:20: 'i' is a constant (let) and cannot be assigned"},
            {"print(y)\nvar y = 1\nfun f() => y\n", "test.ph:1:7: 'y' is used before it is declared"},
            {"class A { init() { return 1 } }\n", "test.ph:1:20: a constructor cannot return a value"},
            {"var r = 0..3\n", "test.ph:1:10: a range can only be used in a loop"},
            {"class B { init(x) {} }\nclass C : B { init() {} }\n",
                "test.ph:2:15: the constructor of 'C' must call super(...)"},
            {"try { } catch (e: Nope) { }\n", "test.ph:1:19: unknown exception class 'Nope'"},
            {"print(1 + \"a\")\n", "test.ph:1:9: cannot add int and string"},
        };
        for (auto const& test : cases) {
            auto result = compile_text(test.source);
            QVERIFY2(!result.ok, test.source);
            QVERIFY2(result.diagnostics.contains(test.error),
                qPrintable(QString(test.source) + " gave:\n" + result.diagnostics));
        }
    }

    void types()
    {
        QVERIFY(compile_text("var x: int = 1\nvar y: float = 1.5\nvar s: string? = nil\n").ok);
        auto result = compile_text("var x: float = 1\n");
        QVERIFY(result.diagnostics.contains("test.ph:1:16: x has type float but this is an int"));
        result = compile_text("fun f(a: string): int { return a }\nf(3)\n");
        QVERIFY(result.diagnostics.contains(
            "test.ph:2:3: parameter 'a' of 'f' has type string but this is an int"));
        result = compile_text("fun f(): int { return \"no\" }\n");
        QVERIFY(
            result.diagnostics.contains("test.ph:1:23: the return value has type int but this is a string"));
        result = compile_text("class A {}\nclass B {}\nvar a: A = B()\n");
        QVERIFY(result.diagnostics.contains("test.ph:3:13: a has type A but this is a B"));
        QVERIFY(compile_text("class A {}\nclass B : A {}\nvar a: A = B()\n").ok);
        result = compile_text("var q: Unknown = 1\n");
        QVERIFY(result.diagnostics.contains("test.ph:1:8: unknown type 'Unknown'"));
        // Annotated parameters are checked on entry at run time too.
        auto program = compile_text("fun f(a: int) => a\nprint(f(1))\n");
        QVERIFY(program.ok);
        auto const* f = find_method(program.program, "test", "f");
        QVERIFY(f);
        QVERIFY(mnemonics(*f).contains("check_type"));
    }

    void codegen()
    {
        auto result = compile_text(
            "fun fib(n) {\n  if (n < 2) return n\n  return fib(n - 1) + fib(n - 2)\n}\nprint(fib(20))\n");
        QVERIFY2(result.ok, qPrintable(result.rendered));
        auto const* fib = find_method(result.program, "test", "fib");
        QVERIFY(fib);
        QCOMPARE(mnemonics(*fib),
            QStringList({"load_local", "push_int", "test_less", "jump_if_false", "load_local", "return",
                "load_local", "subtract_int", "call_static", "load_local", "subtract_int", "call_static",
                "add", "return", "return_nil"}));
        QCOMPARE(fib->local_count, u16(2));
        QCOMPARE(fib->max_stack, u16(3));
        // Constant folding, and a counted loop with one backward conditional jump.
        result = compile_text("var s = 0\nfor (i in 0..<10) s += i * (60 * 60)\nprint(s)\n");
        QVERIFY(result.ok);
        auto const* main = find_method(result.program, "test", "main");
        QVERIFY(main);
        auto list = mnemonics(*main);
        QCOMPARE(list.count("jump_if_true"), 1);
        QVERIFY(!list.contains("load_global"));
        // The range loop steps with add_int and tests with test_less right before its jump.
        QCOMPARE(list.count("add_int"), 1);
        QCOMPARE(list.indexOf("test_less") + 1, list.indexOf("jump_if_true"));
        bool found_constant = false;
        for (auto const& constant : main->constants)
            found_constant
                = found_constant || (constant.kind == VM::ConstantKind::Integer && constant.integer == 3600);
        QVERIFY(found_constant || list.contains("push_int"));
        // A captured variable lives in a box; the closure reads it through its capture.
        result = compile_text("fun counter() {\n  var n = 0\n  return fun() { n += 1; return n }\n}\n");
        QVERIFY(result.ok);
        auto const* counter = find_method(result.program, "test", "counter");
        QVERIFY(mnemonics(*counter).contains("make_box"));
        QCOMPARE(result.program.classes[0].functions.size(), usize(1));
        auto const& closure = result.program.classes[0].functions[0];
        QCOMPARE(closure.captures.size(), usize(1));
        QVERIFY(mnemonics(closure).contains("load_captured"));
        QVERIFY(mnemonics(closure).contains("store_captured"));
        // Globals only for top-level variables that functions use.
        result = compile_text("var shared = 1\nvar local = 2\nfun f() => shared\nprint(local + f())\n");
        QVERIFY(result.ok);
        main = find_method(result.program, "test", "main");
        list = mnemonics(*main);
        QCOMPARE(list.count("store_global"), 1);
        QCOMPARE(list.count("load_global"), 0);
    }

    void verified()
    {
        auto result = compile_text(feature_program, "features.ph");
        QVERIFY2(result.ok, qPrintable(result.rendered));
        String message;
        auto verified = VM::verify_program(result.program, &message);
        QVERIFY2(!verified.is_error(), message.characters());
        auto bytes = MUST(VM::serialize_program(result.program));
        auto parsed = VM::parse_program(bytes.span());
        QVERIFY(!parsed.is_error());
        QCOMPARE(parsed.value().classes.size(), result.program.classes.size());
        QCOMPARE(to_qstring(parsed.value().main_class.view()), QString("features"));
        auto const* main = find_method(result.program, "features", "main");
        QVERIFY(main);
        QVERIFY(!main->handlers.is_empty());
        QVERIFY(!main->lines.is_empty());
    }

    void malformed()
    {
        // Random bytes, random tokens and mutations of a real program: the compiler must
        // always return (an error or a program) and never crash or hang.
        Random random {0x9e3779b97f4a7c15ull};
        std::string base = feature_program;
        char const* const fragments[]
            = {"(", ")", "{", "}", "[", "]", "fun", "class", "var", "=", "=>", "\"", "${", "if", "else",
                "for", "in", "..", "try", "catch", "finally", "super", "this", ".", ",", ":", "\n", "x", "1",
                "1.5", "return", "break", "init", "static", "let", "?", "is", "!", "import", "/*"};
        int programs = 0;
        for (int round = 0; round < 3000; ++round) {
            std::string text;
            switch (round % 3) {
            case 0:
                for (u64 i = random.next() % 200; i > 0; --i)
                    text += static_cast<char>(random.next() % 256);
                break;
            case 1:
                for (u64 i = random.next() % 80; i > 0; --i) {
                    text += fragments[random.next() % (sizeof(fragments) / sizeof(fragments[0]))];
                    text += ' ';
                }
                break;
            default:
                text = base;
                for (u64 i = 1 + random.next() % 4; i > 0; --i) {
                    usize at = random.next() % text.size();
                    if (random.next() % 2)
                        text.erase(at, 1 + random.next() % 8);
                    else
                        text.insert(
                            at, fragments[random.next() % (sizeof(fragments) / sizeof(fragments[0]))]);
                }
                break;
            }
            auto result = compile_text(text);
            if (result.ok) {
                ++programs;
                String message;
                QVERIFY2(!VM::verify_program(result.program, &message).is_error(), message.characters());
            } else {
                QVERIFY(result.error_count > 0);
            }
        }
        QVERIFY(programs > 0);
    }

    void imports()
    {
        // An in-memory file system: the loader sees the importing path and the import.
        struct Loader final : Lang::ImportLoader {
            QStringList requests;
            ErrorOr<LoadedFile> load(StringView importer, StringView path) override
            {
                requests.append(to_qstring(importer) + " -> " + to_qstring(path));
                char const* text = nullptr;
                if (path == "shapes.ph"sv)
                    text = "import util\nclass Square { var side = 2\n fun area() => twice(side) }\n";
                else if (path == "util.ph"sv)
                    text = "fun twice(x) => x * 2\nvar loaded = true\n";
                else if (path == "broken.ph"sv)
                    text = "fun f() => nope\n";
                if (!text)
                    return Error::from_string_literal("no such file");
                LoadedFile file;
                file.path = TRY(String::formatted("lib/{}", path));
                file.text = TRY(String::from_view(StringView(text)));
                return file;
            }
        };
        auto compile_with = [](Loader& loader, std::string const& text, QString& diagnostics_text) {
            Lang::SourceFile file {"main.ph"sv, StringView(text.data(), text.size())};
            Lang::Diagnostics diagnostics;
            Lang::CompileOptions options;
            options.import_loader = &loader;
            auto program = Lang::compile(Span<Lang::SourceFile const>(&file, 1), diagnostics, options);
            diagnostics_text = to_qstring(MUST(diagnostics.render_short()).view());
            return program;
        };
        Loader loader;
        QString diagnostics;
        auto program = compile_with(loader, "import \"shapes.ph\"\nprint(Square().area())\n", diagnostics);
        QVERIFY2(!program.is_error(), qPrintable(diagnostics));
        QCOMPARE(loader.requests, QStringList({"main.ph -> shapes.ph", "lib/shapes.ph -> util.ph"}));
        QCOMPARE(program.value().classes.size(), usize(4));
        // The imported files' top-level code runs first, dependencies before dependents.
        auto const* main = find_method(program.value(), "main", "main");
        QVERIFY(main);
        QCOMPARE(mnemonics(*main).mid(0, 4), QStringList({"call_static", "pop", "call_static", "pop"}));
        // Errors inside an imported file name that file.
        Loader second;
        program = compile_with(second, "import broken\nf()\n", diagnostics);
        QVERIFY(program.is_error());
        QCOMPARE(diagnostics, QString("lib/broken.ph:1:12: unknown name 'nope'\n"));
        Loader third;
        program = compile_with(third, "import missing\n", diagnostics);
        QVERIFY(program.is_error());
        QCOMPARE(diagnostics, QString("main.ph:1:1: cannot import 'missing.ph': no such file\n"));
        // Without a loader, an import of a file that was not given is an error.
        auto result = compile_text("import elsewhere\n");
        QVERIFY(result.diagnostics.contains("test.ph:1:1: cannot find the module 'elsewhere'"));
    }

    void deepNesting()
    {
        struct Case {
            std::string text;
            char const* error;
        };
        Case cases[] = {
            {std::string(100000, '('), "nested too deeply"},
            {std::string(50000, '{'), "nested too deeply"},
            {std::string(20000, '[') + std::string(20000, ']'), "nested too deeply"},
            {"var x = 1" + std::string(0, ' ') +
                    [] {
                        std::string chain;
                        for (int i = 0; i < 5000; ++i)
                            chain += " + 1";
                        return chain;
                    }(),
                "too long"},
            {[] {
                 std::string text = "var a = [1]\nprint(a";
                 for (int i = 0; i < 5000; ++i)
                     text += "[0]";
                 return text + ")";
             }(),
                "too long"},
            {[] {
                 std::string text;
                 for (int i = 0; i < 3000; ++i)
                     text += "if (true) ";
                 return text + "print(1)";
             }(),
                "nested too deeply"},
            {[] {
                 std::string text = "var x = ";
                 for (int i = 0; i < 3000; ++i)
                     text += "fun() => ";
                 return text + "1";
             }(),
                "nested too deeply"},
            {[] {
                 std::string text = "print(\"";
                 for (int i = 0; i < 100; ++i)
                     text += "${\"";
                 return text;
             }(),
                "too deeply"},
        };
        for (auto const& test : cases) {
            auto result = compile_text(test.text);
            QVERIFY(!result.ok);
            QVERIFY2(result.diagnostics.contains(test.error), qPrintable(result.diagnostics.left(400)));
            // One problem, one message: deep nesting does not flood the output.
            QVERIFY2(result.error_count < 10, qPrintable(result.diagnostics.left(400)));
        }
    }
};

QTEST_APPLESS_MAIN(CompilerTest)
#include "CompilerTest.moc"
