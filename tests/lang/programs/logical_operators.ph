// && and || short-circuit and yield one of their operands.
fun loud(value) {
    print("evaluated ${value}")
    return value
}
print(false && loud(true))
print(true || loud(false))
print(loud(true) && loud(7))
print(nil || "fallback")
print(!nil)
print(!0)
// expect: false
// expect: true
// expect: evaluated true
// expect: evaluated 7
// expect: 7
// expect: fallback
// expect: true
// expect: false
