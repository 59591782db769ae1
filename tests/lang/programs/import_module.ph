// import makes another file's classes and functions available.
import "lib_geometry.ph"
let r = Rectangle(3, 4)
print(r.area())
print(describe(r))
print(unit_square().area())
// expect: geometry loaded
// expect: 12
// expect: rectangle 3x4
// expect: 1
