// Static methods have no this: fields and instance methods need an instance.
class A {
    var x = 1
    fun m() => 2
    static fun s() => x + m()
}
// expect-error: 5:23: field 'x' needs an instance; static code has no 'this'
// expect-error: 5:27: method 'm' needs an instance; static code has no 'this'
