// String interpolation with any expression inside ${...}.
let name = "world"
let n = 3
print("hello ${name}")
print("${n} + ${n} = ${n + n}")
print("nested ${"inner ${n * 2}"}")
print("${[1, 2, 3].length()} items")
print("float ${1.5} bool ${true} nil ${nil}")
class Point {
    var x = 1
    var y = 2
    fun toString() => "(${x}, ${y})"
}
print("point ${Point()}")
// expect: hello world
// expect: 3 + 3 = 6
// expect: nested inner 6
// expect: 3 items
// expect: float 1.5 bool true nil nil
// expect: point (1, 2)
