// `is` tests the class, including superclasses and built-in classes.
class Shape {}
class Circle : Shape {}
let c = Circle()
print(c is Circle)
print(c is Shape)
print(Shape() is Circle)
print(3 is int)
print(3.5 is Float)
print("s" is string)
print([1] is array)
print(nil is Shape)
// expect: true
// expect: true
// expect: false
// expect: true
// expect: true
// expect: true
// expect: true
// expect: false
