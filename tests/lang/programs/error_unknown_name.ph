// Using an undeclared name is a compile error with its position.
var total = 1
print(totl)
// expect-error: 3:7: unknown name 'totl'
