// The same name twice in one scope.
var a = 1
var a = 2
fun f(x, x) {}
// expect-error: 3:5: 'a' is already declared in this scope
// expect-error: 4:10: 'x' is already declared in this scope
