// A closure stored in a variable can call itself through that variable.
fun run() {
    let countdown = fun(n) => n == 0 ? "liftoff" : countdown(n - 1)
    return countdown(5)
}
print(run())
let fact = fun(n) => n <= 1 ? 1 : n * fact(n - 1)
print(fact(10))
fun useFact() => fact(5)
print(useFact())
// expect: liftoff
// expect: 3628800
// expect: 120
