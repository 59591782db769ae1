// Closures capture variables (not copies).
fun make_counter() {
    var count = 0
    return fun() {
        count += 1
        return count
    }
}
let c1 = make_counter()
let c2 = make_counter()
c1()
c1()
print(c1())
print(c2())
var x = 1
let read_x = fun() => x
x = 2
print(read_x())
// expect: 3
// expect: 1
// expect: 2
