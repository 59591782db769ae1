// Bitwise operators on integers.
print(12 & 10)
print(12 | 10)
print(12 ^ 10)
print(1 << 10)
print(1024 >> 3)
print(~0)
var flags = 0
flags = flags | (1 << 3)
print(flags & 8)
// expect: 8
// expect: 14
// expect: 6
// expect: 1024
// expect: 128
// expect: -1
// expect: 8
