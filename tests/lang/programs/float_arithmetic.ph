// Floats, and ints mixed with floats.
print(1.5 + 2.25)
print(7.0 / 2)
print(3 * 0.5)
var x = 10
print(x / 4.0)
print(0.1 + 0.2 == 0.3)
print(2.0 * 2.0 == 4.0)
// expect: 3.75
// expect: 3.5
// expect: 1.5
// expect: 2.5
// expect: false
// expect: true
