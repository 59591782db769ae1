// Top-level functions, recursion and early return.
fun add(a, b) { return a + b }
fun square(x) => x * x
fun factorial(n) {
    if (n <= 1) return 1
    return n * factorial(n - 1)
}
fun nothing() { }
print(add(2, 3))
print(square(9))
print(factorial(20))
print(nothing())
// expect: 5
// expect: 81
// expect: 2432902008176640000
// expect: nil
