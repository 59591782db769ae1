// The ?: operator.
fun sign(n) => n > 0 ? 1 : n < 0 ? -1 : 0
print(sign(5))
print(sign(-5))
print(sign(0))
let label = 2 > 1 ? "yes" : "no"
print(label)
// expect: 1
// expect: -1
// expect: 0
// expect: yes
