// Closures passed to and returned from functions.
fun apply_twice(f, x) => f(f(x))
fun compose(f, g) => fun(x) => f(g(x))
let inc = fun(x) => x + 1
let dbl = fun(x) => x * 2
print(apply_twice(inc, 5))
print(compose(inc, dbl)(10))
print(compose(dbl, inc)(10))
let adders = [fun(x) => x + 1, fun(x) => x + 100]
print(adders[1](1))
// expect: 7
// expect: 21
// expect: 22
// expect: 101
