// Top-level variables used by functions are program globals.
var calls = 0
let prefix = ">"
fun track(message) {
    calls += 1
    return "${prefix} ${message}"
}
print(track("a"))
print(track("b"))
print(calls)
class Reporter {
    fun report() => "calls=${calls}"
}
print(Reporter().report())
// expect: > a
// expect: > b
// expect: 2
// expect: calls=2
