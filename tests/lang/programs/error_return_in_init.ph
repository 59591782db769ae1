// A constructor cannot return a value.
class A {
    init() { return 1 }
}
// expect-error: 3:14: a constructor cannot return a value
