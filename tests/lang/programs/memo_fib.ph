// Memoisation with a map captured by a closure.
fun memoize(f) {
    var cache = [:]
    return fun(n) {
        if (cache.has(n)) return cache[n]
        let value = f(n)
        cache[n] = value
        return value
    }
}
var fib
fib = memoize(fun(n) => n < 2 ? n : fib(n - 1) + fib(n - 2))
print(fib(80))
// expect: 23416728348467685
