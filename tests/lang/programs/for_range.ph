// for-in over ranges: a..<b excludes b, a..b includes it.
var s = ""
for (i in 0..<5) s += i.toString()
print(s)
var t = 0
for (i in 1..10) t += i
print(t)
let n = 4
var squares = ""
for (i in 1..n) squares += "${i * i} "
print(squares)
for (i in 5..<5) print("never")
// expect: 01234
// expect: 55
// expect: 1 4 9 16 
