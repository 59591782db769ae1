// Integer operators: / truncates toward zero, % has the sign of the dividend.
print(7 + 3)
print(7 - 10)
print(6 * 7)
print(7 / 2)
print(-7 / 2)
print(7 % 3)
print(-7 % 3)
var a = 17
var b = 5
print(a / b * b + a % b)
print((a + b) * (a - b))
// expect: 10
// expect: -3
// expect: 42
// expect: 3
// expect: -3
// expect: 1
// expect: -1
// expect: 17
// expect: 264
