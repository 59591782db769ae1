// Only nil and false are false; 0 and "" are true.
fun check(value) {
    if (value) return "truthy"
    return "falsy"
}
print(check(0))
print(check(""))
print(check(nil))
print(check(false))
print(check([]))
// expect: truthy
// expect: truthy
// expect: falsy
// expect: falsy
// expect: truthy
