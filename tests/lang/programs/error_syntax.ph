// A syntax error, reported with line and column.
var x = (1 + 2
print(x)
// expect-error: 3:1: expected ')' to close the parenthesis, found 'print'
