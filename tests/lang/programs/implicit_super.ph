// A superclass constructor without parameters runs by itself.
class A {
    var log = ""
    init() { log += "A" }
}
class B : A {
    init() { log += "B" }
}
class C : B {
    init() { log += "C" }
}
print(C().log)
// expect: ABC
