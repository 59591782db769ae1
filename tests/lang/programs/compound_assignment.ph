// += -= *= /= %= on variables, fields and elements.
var n = 10
n += 5
n -= 3
n *= 2
n /= 4
n %= 4
print(n)
var s = "a"
s += "b"
print(s)
var arr = [1, 2, 3]
arr[1] += 40
print(arr[1])
class Holder { var value = 1 }
let box = Holder()
box.value *= 9
print(box.value)
// expect: 2
// expect: ab
// expect: 42
// expect: 9
