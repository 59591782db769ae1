// C-style for loops.
var total = 0
for (var i = 0; i < 10; i += 1) total += i
print(total)
var product = 1
for (var i = 1; i <= 5; i += 1) {
    product *= i
}
print(product)
var count = 0
for (;;) {
    count += 1
    if (count == 3) break
}
print(count)
// expect: 45
// expect: 120
// expect: 3
