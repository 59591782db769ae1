// Operators on objects are sent as messages named by their symbol.
class Vec {
    var x
    var y
    init(x, y) { this.x = x; this.y = y }
    fun +(other) => Vec(x + other.x, y + other.y)
    fun toString() => "Vec(${x}, ${y})"
}
let v = Vec(1, 2) + Vec(10, 20)
print(v)
// expect: Vec(11, 22)
