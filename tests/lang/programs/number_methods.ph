// Methods of Int and Float.
print((-5).abs())
print(3.7.floor())
print(2.0.sqrt() > 1.41)
print(7.toFloat())
print(9.99.toInt())
print(3.min(8))
print(3.14159.toFixed(2))
print(Math.pi() > 3.14)
// expect: 5
// expect: 3.0
// expect: true
// expect: 7.0
// expect: 9
// expect: 3
// expect: 3.14
// expect: true
