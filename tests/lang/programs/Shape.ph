// A file may be named like the class it declares: the file's own code goes into Shape_file.
class Shape {
    var sides
    init(sides) { this.sides = sides }
}
fun triangle() => Shape(3)
var made = 0
fun make(n) {
    made += 1
    return Shape(n)
}
print(triangle().sides)
print(make(4).sides + made)
// expect: 3
// expect: 5
