// var, let and block scoping.
var x = 1
let y = 2
{
    var x = 10
    print(x + y)
}
print(x + y)
var z
print(z)
z = "set"
print(z)
// expect: 12
// expect: 3
// expect: nil
// expect: set
