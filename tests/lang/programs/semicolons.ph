// Statements may share a line with ';' and may span lines.
var a = 1; var b = 2; print(a + b)
var total = 1 +
    2 +
    3
print(total)
let long = [1, 2,
            3, 4]
print(long.length())
let chained = "  x  "
    .trim()
    .toUpperCase()
print(chained)
// expect: 3
// expect: 6
// expect: 4
// expect: X
