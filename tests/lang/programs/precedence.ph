// Operator precedence and parentheses.
print(2 + 3 * 4)
print((2 + 3) * 4)
print(10 - 4 - 3)
print(100 / 10 / 5)
print(-2 * -3)
print(1 + 2 < 4 && 2 * 3 == 6)
print(2 | 1 == 1)
// expect: 14
// expect: 20
// expect: 3
// expect: 2
// expect: 6
// expect: true
// expect: false
