// Field initialisers of every class up the chain run when an instance is made, whether the
// classes have constructors of their own or not, and whether a constructor calls super()
// itself or the compiler does it for it.
class Top {
    var a = 1
}
class Middle : Top {
    var b = 2
}
class WithConstructor : Middle {
    var c = 0
    init(c) { this.c = c }
}
class CallsSuper : Middle {
    init() { super() }
}
class Plain : Middle {
}
class Base {
    var tag = "base"
    var x = 0
    init(x) { this.x = x }
}
class OnlyFields : Base {
    var mid = 5
}
class Leaf : OnlyFields {
    var leaf = 9
    init(x) { super(x) }
}
var w = WithConstructor(3)
print("${w.a} ${w.b} ${w.c}")
var s = CallsSuper()
print("${s.a} ${s.b}")
var p = Plain()
print("${p.a} ${p.b}")
var l = Leaf(4)
print("${l.tag} ${l.x} ${l.mid} ${l.leaf}")
var o = OnlyFields(6)
print("${o.tag} ${o.x} ${o.mid}")
// expect: 1 2 3
// expect: 1 2
// expect: 1 2
// expect: base 4 5 9
// expect: base 6 5
