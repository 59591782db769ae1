// Mistakes with classes.
class Shape : Missing {}
class Point { var x = 0 }
Point().y
Point().move()
class Twice {}
class Twice {}
// expect-error: 2:15: unknown superclass 'Missing'
// expect-error: 4:9: class 'Point' has no field 'y'
// expect-error: 5:9: class 'Point' has no method 'move'
// expect-error: 7:7: class 'Twice' is already declared
