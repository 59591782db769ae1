// throw and catch.
try {
    throw Error("first")
} catch (e) {
    print("caught ${e.message()}")
}
fun risky(n) {
    if (n > 2) throw Error("too big: ${n}")
    return n
}
var total = 0
for (i in 0..<5) {
    try {
        total += risky(i)
    } catch (e: Error) {
        print(e.message())
    }
}
print(total)
// expect: caught first
// expect: too big: 3
// expect: too big: 4
// expect: 3
