// A subclass without init inherits its superclass constructor; field initialisers of
// both classes run.
class Base {
    var base_field = "base"
    var arg
    init(arg) { this.arg = arg }
}
class Derived : Base {
    var own = "own"
}
let d = Derived(42)
print(d.arg)
print(d.base_field)
print(d.own)
// expect: 42
// expect: base
// expect: own
