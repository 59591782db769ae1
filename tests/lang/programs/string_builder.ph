// StringBuilder appends without making intermediate strings.
let b = StringBuilder()
for (i in 0..<5) b.append("${i},")
print(b.toString())
print(b.length())
// expect: 0,1,2,3,4,
// expect: 10
