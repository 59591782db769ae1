// More array operations: slice, insert, removeAt, reverse, join.
var a = [1, 2, 3, 4, 5]
print(a.slice(1, 3).join(","))
a.insert(0, 0)
print(a.join(","))
a.removeAt(1)
print(a.join(","))
a.reverse()
print(a.join(","))
var words = []
for (w in ["x", "y", "z"]) words.push(w.toUpperCase())
print(words.join("-"))
// expect: 2,3
// expect: 0,1,2,3,4,5
// expect: 0,2,3,4,5
// expect: 5,4,3,2,0
// expect: X-Y-Z
