// Several errors are reported in one run.
let limit = 10
limit = 11
print(missing)
break
fun f(a, b) => a + b
f(1)
// expect-error: 3:1: 'limit' is a constant (let) and cannot be assigned
// expect-error: 4:7: unknown name 'missing'
// expect-error: 5:1: 'break' can only be used inside a loop
// expect-error: 7:2: 'f' expects 2 arguments but 1 was given
