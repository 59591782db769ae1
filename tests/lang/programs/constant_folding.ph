// Constant expressions are folded by the compiler; results are the same as at run time.
let seconds_per_day = 60 * 60 * 24
print(seconds_per_day)
print(1 << 40)
print("con" + "cat")
print(7 / 2 + 7 % 2)
print(2.5 * 4)
// expect: 86400
// expect: 1099511627776
// expect: concat
// expect: 4
// expect: 10.0
