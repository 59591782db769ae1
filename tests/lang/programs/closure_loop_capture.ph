// Each iteration of a for-in loop has its own variable for closures to capture.
var fns = []
for (i in 0..<3) fns.push(fun() => i * 10)
for (f in fns) print(f())
var later = []
for (name in ["a", "b"]) later.push(fun() => "name ${name}")
print(later[0]())
print(later[1]())
// expect: 0
// expect: 10
// expect: 20
// expect: name a
// expect: name b
