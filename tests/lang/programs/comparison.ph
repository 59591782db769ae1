// Comparison operators give booleans; ints and floats compare by value.
print(1 < 2)
print(2 <= 2)
print(3 > 4)
print(4 >= 5)
print(1 == 1.0)
print(1 != 2)
print("abc" == "abc")
print("abc" != "abd")
var a = 5
print(a > 3 && a < 10)
// expect: true
// expect: true
// expect: false
// expect: false
// expect: true
// expect: true
// expect: true
// expect: true
// expect: true
