// while loops.
var i = 0
var sum = 0
while (i < 100) {
    i += 1
    sum += i
}
print(sum)
var n = 27
var steps = 0
while (n != 1) {
    if (n % 2 == 0) n = n / 2 else n = 3 * n + 1
    steps += 1
}
print(steps)
// expect: 5050
// expect: 111
