// for-in over maps: keys, or key and value, in insertion order.
let ages = ["ann": 31, "bob": 25, "cy": 40]
for (name in ages) print(name)
for (name, age in ages) print("${name} is ${age}")
var total = 0
for (k, v in ages) total += v
print(total)
// expect: ann
// expect: bob
// expect: cy
// expect: ann is 31
// expect: bob is 25
// expect: cy is 40
// expect: 96
