// A superclass constructor with parameters must be called explicitly.
class Base { init(x) {} }
class Derived : Base {
    init() { print("no super") }
}
// expect-error: 4:5: the constructor of 'Derived' must call super(...): the constructor of 'Base' takes 1 argument
