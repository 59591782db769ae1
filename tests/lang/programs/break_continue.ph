// break and continue in every kind of loop.
var out = ""
for (i in 0..<10) {
    if (i % 2 == 1) continue
    if (i > 6) break
    out += i.toString()
}
print(out)
var j = 0
var seen = 0
while (true) {
    j += 1
    if (j == 2) continue
    if (j > 4) break
    seen += j
}
print(seen)
var found = -1
for (i, x in [5, 8, 13, 21]) {
    if (x > 10) { found = i; break }
}
print(found)
// expect: 0246
// expect: 8
// expect: 2
