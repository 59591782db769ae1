// Building strings in a loop.
var s = ""
for (i in 0..<10) s += "${i}"
print(s)
print(s.length())
var parts = []
for (i in 1..5) parts.push("n${i}")
print(parts.join("+"))
// expect: 0123456789
// expect: 10
// expect: n1+n2+n3+n4+n5
