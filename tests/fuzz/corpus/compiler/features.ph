// Classes, inheritance, closures, exceptions, loops, literals and annotations in one file.
class Shape {
    var name: string
    init(name) {
        this.name = name
    }
    fun area() {
        return 0
    }
}
class Square : Shape {
    var side
    init(side) {
        super.init("square")
        this.side = side
    }
    fun area() {
        return this.side * this.side
    }
}
fun total(shapes) {
    var sum = 0
    for (shape in shapes) {
        sum = sum + shape.area()
    }
    return sum
}
let shapes = [Square(2), Square(3), Shape("dot")]
let counts = ["a": 1, "b": 2.5, "c": true, "d": nil]
var adder = fun(x) { return x + 1 }
try {
    throw Error("boom")
} catch (e) {
    print(e.message)
} finally {
    print("finally")
}
for (var i = 0; i < 3; i = i + 1) {
    if (i == 1) {
        continue
    }
    print(adder(i))
}
for (key, value in counts) {
    print(key)
}
while (false) {
    break
}
print(total(shapes))
