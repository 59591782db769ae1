// Strings compare by content.
let a = "apple"
let b = "app" + "le"
print(a == b)
print("a" < "b")
print("b" > "abc")
print("abc".compare("abd"))
// expect: true
// expect: true
// expect: true
// expect: -1
