// An assignment is an expression whose value is the assigned value.
var a
var b
a = b = 5
print(a + b)
var arr = [0]
print(arr[0] = 7)
class P { var v = 0 }
let p = P()
print(p.v = 3)
print(p.v)
// expect: 10
// expect: 7
// expect: 3
// expect: 3
