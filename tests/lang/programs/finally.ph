// finally runs on every way out of a try.
fun normal() {
    try { print("body") } finally { print("finally 1") }
}
fun with_return() {
    try { return "returned" } finally { print("finally 2") }
}
fun with_throw() {
    try {
        try { throw Error("inner") } finally { print("finally 3") }
    } catch (e) {
        print("caught ${e.message()}")
    }
}
normal()
print(with_return())
with_throw()
for (i in 0..<3) {
    try {
        if (i == 1) continue
        if (i == 2) break
        print("loop ${i}")
    } finally {
        print("finally ${i}")
    }
}
// expect: body
// expect: finally 1
// expect: finally 2
// expect: returned
// expect: finally 3
// expect: caught inner
// expect: loop 0
// expect: finally 0
// expect: finally 1
// expect: finally 2
