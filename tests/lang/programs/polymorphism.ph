// Methods are looked up on the receiver's class at run time.
class Shape {
    fun area() => 0
    fun describe() => "area ${area()}"
}
class Rect : Shape {
    var w
    var h
    init(w, h) { this.w = w; this.h = h }
    fun area() => w * h
}
class Square : Rect {
    init(side) { super(side, side) }
}
for (s in [Shape(), Rect(2, 3), Square(4)]) print(s.describe())
// expect: area 0
// expect: area 6
// expect: area 16
