// A module imported by import_module.ph (not a test on its own).
class Rectangle {
    var w
    var h
    init(w, h) { this.w = w; this.h = h }
    fun area() => w * h
}
fun describe(r) => "rectangle ${r.w}x${r.h}"
fun unit_square() => Rectangle(1, 1)
print("geometry loaded")
