// Map literals and methods.
var m = ["one": 1, "two": 2]
print(m["one"])
m["three"] = 3
print(m.length())
print(m.has("two"))
m.remove("two")
print(m.has("two"))
print(m.keys().join(","))
var empty = [:]
print(empty.isEmpty())
empty[42] = "int key"
print(empty[42])
var counts = [:]
for (w in ["a", "b", "a", "c", "a"]) {
    if (counts.has(w)) counts[w] += 1 else counts[w] = 1
}
print(counts["a"])
// expect: 1
// expect: 3
// expect: true
// expect: false
// expect: one,three
// expect: true
// expect: int key
// expect: 3
