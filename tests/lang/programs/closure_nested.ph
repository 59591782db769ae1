// Closures inside closures reach variables several levels out.
fun outer() {
    var a = 1
    let middle = fun() {
        var b = 10
        let inner = fun() {
            a += 1
            b += 1
            return a + b
        }
        return inner
    }
    let f = middle()
    f()
    print(a)
    return f
}
let g = outer()
print(g())
// expect: 2
// expect: 15
