// for-in over a string visits its characters.
var out = ""
for (c in "abc") out = c + out
print(out)
var count = 0
for (i, c in "hello") if (c == "l") count += 1
print(count)
// expect: cba
// expect: 2
