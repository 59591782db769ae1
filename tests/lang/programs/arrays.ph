// Array literals, indexing and methods.
var a = [1, 2, 3]
a.push(4)
print(a.length())
print(a[0] + a[3])
a[0] = 100
print(a[0])
print(a.pop())
print(a.length())
print(a.contains(2))
print(a.indexOf(3))
print([].isEmpty())
let b = [[1, 2], [3, 4]]
print(b[1][0])
// expect: 4
// expect: 5
// expect: 100
// expect: 4
// expect: 3
// expect: true
// expect: 2
// expect: true
// expect: 3
