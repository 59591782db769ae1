/*
 * vm/lang/Ast.h: the syntax tree the parser builds and the resolver and code generator walk.
 *
 * One Node type with a kind tag keeps the tree compact and the walkers simple; the fields a
 * kind uses are listed next to it. Nodes live in an AstArena owned by the compilation and
 * are freed together. Names are views into the source text, which outlives the tree.
 */
#pragma once

#include <base/HashMap.h>
#include <base/OwnPtr.h>
#include <base/String.h>
#include <base/Vector.h>
#include <vm/lang/Diagnostics.h>
#include <vm/lang/Token.h>

namespace Lang {

#define PHANTOM_ENUMERATE_NODE_KINDS(N)                                                                      \
    /* expressions */                                                                                        \
    N(IntegerLiteral) /* integer */                                                                          \
    N(FloatLiteral)   /* number */                                                                           \
    N(StringLiteral)  /* string */                                                                           \
    N(BoolLiteral)    /* integer: 0 or 1 */                                                                  \
    N(NilLiteral)                                                                                            \
    N(Interpolation) /* list: string literals and expressions, in order */                                   \
    N(ArrayLiteral)  /* list: elements */                                                                    \
    N(MapLiteral)    /* list: keys, list2: values */                                                         \
    N(Identifier)    /* name */                                                                              \
    N(This)                                                                                                  \
    N(Super)       /* name: the member after "super." ("init" for super(...)) */                             \
    N(Unary)       /* op, a */                                                                               \
    N(Binary)      /* op, a, b */                                                                            \
    N(Logical)     /* op (AndAnd, OrOr), a, b */                                                             \
    N(Conditional) /* a ? b : c */                                                                           \
    N(Assign)      /* a = b; op is Equal or a compound operator */                                           \
    N(Call)        /* a(list) */                                                                             \
    N(Member)      /* a.name */                                                                              \
    N(Index)       /* a[b] */                                                                                \
    N(Is)          /* a is type */                                                                           \
    N(Range)       /* a..b or a..<b (op) */                                                                  \
    N(Function)    /* function: a closure expression */                                                      \
    /* statements */                                                                                         \
    N(ExpressionStatement) /* a */                                                                           \
    N(VarDecl)             /* name, type, a: initializer or null; flags: Constant, Static */                 \
    N(Block)               /* list */                                                                        \
    N(If)                  /* a: condition, b: then, c: else or null */                                      \
    N(While)               /* a: condition, b: body */                                                       \
    N(For)                 /* a: init, b: condition, c: step (each may be null), d: body */                  \
    N(ForIn)               /* name (name2: second name or empty), a: iterable, d: body */                    \
    N(Return)              /* a or null */                                                                   \
    N(Break)                                                                                                 \
    N(Continue)                                                                                              \
    N(Throw)        /* a */                                                                                  \
    N(Try)          /* a: body, list: Catch clauses, c: finally block or null */                             \
    N(Catch)        /* name: variable (may be empty), type, a: body */                                       \
    N(FunctionDecl) /* function */                                                                           \
    N(ClassDecl)    /* klass */                                                                              \
    N(Import)       /* name: module name; string: the path as written */

enum class NodeKind : u8 {
#define PHANTOM_NODE_KIND_ENUMERATOR(name) name,
    PHANTOM_ENUMERATE_NODE_KINDS(PHANTOM_NODE_KIND_ENUMERATOR)
#undef PHANTOM_NODE_KIND_ENUMERATOR
};

StringView node_kind_name(NodeKind);

// A written type annotation: `int`, `Point`, `string?`. Empty name = none given.
struct TypeAnnotation {
    StringView name;
    bool nullable {false};
    SourcePosition position;
    bool is_present() const { return !name.is_empty(); }
};

struct Node;
struct ClassInfo;
struct FunctionScope;
struct FunctionInfo;
struct Module;

// What the compiler knows about an expression's value. Unknown is the common case; the
// rest come from literals, annotations, constructors and annotated functions.
enum class TypeKind : u8 {
    Unknown,
    Nil,
    Int,
    Float,
    Bool,
    String,
    Array,
    Map,
    Closure,
    Instance, // of `klass` or a subclass
};

struct StaticType {
    TypeKind kind {TypeKind::Unknown};
    ClassInfo* klass {nullptr};
    bool nullable {false};
    bool is_known() const { return kind != TypeKind::Unknown; }
};

// A local variable or parameter, created by the resolver.
struct Variable {
    StringView name;
    SourcePosition position;
    u16 slot {0};
    bool captured {false}; // a closure uses it: its slot holds a box
    bool constant {false}; // `let`, or a for-each loop variable
    bool annotated {false};
    StaticType type;
    StringView check_class; // the class CheckType tests on stores (empty: none)
    FunctionScope* owner {nullptr};
};

// One captured variable of a closure, in capture order.
struct CaptureInfo {
    Variable* variable {nullptr};
    bool from_enclosing_local {true}; // else from the enclosing closure's captures
    u16 index {0};                    // the enclosing local slot or capture index
};

// What the resolver learned about one function body.
struct FunctionScope {
    FunctionInfo* info {nullptr};
    FunctionScope* enclosing {nullptr};
    Module* module {nullptr};
    ClassInfo* klass {nullptr}; // the class whose method this is (or encloses this closure)
    bool is_static {false};     // no `this` (static methods, top-level functions, main)
    Vector<Variable*> parameters;
    Vector<CaptureInfo> captures;
    u16 slot_count {1};     // the receiver plus every local slot used
    u32 function_index {0}; // closures: index in the class image's function list
    bool calls_super_init {false};
};

struct Parameter {
    StringView name;
    TypeAnnotation type;
    SourcePosition position;
};

enum class FunctionKind : u8 {
    TopLevel,    // a `fun` at the top of a file: a static method of the file's class
    Method,      // an instance method
    Static,      // a static method
    Constructor, // init(...)
    Closure,     // a `fun` expression or a nested `fun` declaration
    Main,        // the synthesized main of a file (its top-level statements)
};

struct FunctionInfo {
    StringView name;
    FunctionKind kind {FunctionKind::Closure};
    Vector<Parameter> parameters;
    TypeAnnotation return_type;
    Node* body {nullptr}; // a Block; for `=> expression` bodies a Block holding a Return
    SourcePosition position;
    ClassInfo* owner {nullptr}; // the class a method belongs to
    // Filled by the resolver.
    FunctionScope* scope {nullptr};
};

struct ClassInfo {
    StringView name;
    StringView superclass_name; // empty: Object
    Module* module {nullptr};
    SourcePosition position;
    SourcePosition superclass_position;
    Vector<Node*> fields;  // VarDecl nodes (instance and static)
    Vector<Node*> methods; // Function nodes (FunctionDecl)
    u16 file {0};
    // Filled by the resolver.
    ClassInfo* superclass {nullptr};
    bool is_synthesized {false}; // the class holding a file's top-level code
    bool resolving {false};      // cycle detection in the inheritance chain
};

enum NodeFlags : u8 {
    NodeFlagConstant = 1,  // `let`
    NodeFlagStatic = 2,    // `static var`
    NodeFlagInclusive = 4, // `..` rather than `..<`
    NodeFlagArrowBody = 8, // `fun (x) => x * 2`
    NodeFlagDeclared = 16, // a top-level variable whose declaration main has passed
};

// How an identifier or a declared variable is reached; chosen by the resolver.
enum class VariableAccess : u8 {
    Unresolved,
    Local,      // slot `index` of the current frame
    BoxedLocal, // slot `index` holds a box because a closure captures the variable
    Captured,   // capture `index` of the running closure (a box)
    Field,      // this.<name>
    Global,     // a top-level `var` of a file: static field `name` of the file's class
    Class,      // the class named `name`
    Function,   // a top-level function or static method: `target_class`.`name`
    Builtin,    // a native function (print, exit...)
};

// How a Call node is compiled; chosen by the resolver.
enum class CallKind : u8 {
    Closure,   // a value called with `call`
    Send,      // receiver.name(...)
    SelfSend,  // name(...) meaning this.name(...)
    SuperSend, // super.name(...) or super(...)
    Static,    // target_class.target(...) as a static call
    New,       // target_class(...) constructs
    Builtin,   // a built-in function: a static call on a native class
};

struct Node {
    NodeKind kind;
    CallKind call_kind {CallKind::Closure};
    u8 flags {0};
    TokenType op {TokenType::Invalid};
    SourcePosition position;
    StringView name;
    StringView name2;
    i64 integer {0};
    double number {0};
    String string;
    TypeAnnotation type;
    Node* a {nullptr};
    Node* b {nullptr};
    Node* c {nullptr};
    Node* d {nullptr};
    Vector<Node*> list;
    Vector<Node*> list2;
    FunctionInfo* function {nullptr};
    ClassInfo* klass {nullptr};

    // Resolver results. Identifiers: access, variable (Local, Captured: index is the capture
    // number), target (Global: the global's name; Function: the method name, with
    // target_class; Class: the class name). VarDecl, ForIn, Catch: variable (and variable2).
    // ForIn also gets hidden slots in index (collection), index2 (position)...
    VariableAccess access {VariableAccess::Unresolved};
    u16 index {0};
    u16 index2 {0};
    u16 index3 {0};
    u16 index4 {0};
    Variable* variable {nullptr};
    Variable* variable2 {nullptr};
    StringView target;
    StringView target_class;
    ClassInfo* resolved_class {nullptr};
    FunctionInfo* resolved_function {nullptr};
    StaticType static_type;
};

class AstArena {
public:
    [[nodiscard]] ErrorOr<Node*> make_node(NodeKind, SourcePosition);
    [[nodiscard]] ErrorOr<FunctionInfo*> make_function();
    [[nodiscard]] ErrorOr<ClassInfo*> make_class();

private:
    Vector<NonnullOwnPtr<Node>> m_nodes;
    Vector<NonnullOwnPtr<FunctionInfo>> m_functions;
    Vector<NonnullOwnPtr<ClassInfo>> m_classes;
    Vector<NonnullOwnPtr<Variable>> m_variables;
    Vector<NonnullOwnPtr<FunctionScope>> m_scopes;
    Vector<String> m_strings;

public:
    [[nodiscard]] ErrorOr<Variable*> make_variable();
    [[nodiscard]] ErrorOr<FunctionScope*> make_scope();
    // Keeps a string alive as long as the tree and returns a view of it.
    [[nodiscard]] ErrorOr<StringView> intern(StringView);
};

// The parse of one file.
struct Module {
    u16 file {0};
    StringView path;
    StringView stem; // the file name without folders and ".ph": what imports name
    StringView name; // the class holding the file's top-level code: the stem, unless a
                     // class has that name (Point.ph declaring Point gives Point_file)
    Vector<Node*> imports;
    Vector<ClassInfo*> classes;   // includes the synthesized file class (first)
    Vector<Node*> statements;     // top-level statements (go into the file's main)
    FunctionInfo* main {nullptr}; // the synthesized main
    ClassInfo* file_class {nullptr};
    // Filled by the resolver.
    Vector<Module*> imported; // modules named by this one's imports
    // Top-level variables (VarDecl nodes) and functions by name, for name lookup.
    HashMap<StringView, Node*> top_level_variables;
    HashMap<StringView, FunctionInfo*> top_level_functions;
    bool initialized {false}; // visited when ordering module initialisation
};

// An indented, one-node-per-line rendering of the tree, for tests and `phc --ast`.
[[nodiscard]] ErrorOr<String> dump_module(Module const&);

} // namespace Lang
