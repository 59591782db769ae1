// Nested loops; break leaves only the innermost.
var pairs = 0
for (i in 0..<5) {
    for (j in 0..<5) {
        if (j > i) break
        pairs += 1
    }
}
print(pairs)
var table = ""
for (i in 1..3) {
    var row = ""
    for (j in 1..3) row += "${i * j} "
    table += row + "| "
}
print(table)
// expect: 15
// expect: 1 2 3 | 2 4 6 | 3 6 9 | 
