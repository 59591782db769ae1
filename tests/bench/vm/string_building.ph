// String building: 500,000 numbers appended to a builder, then the length of the result.
let builder = StringBuilder()
var i = 0
while (i < 500000) {
    builder.append(i.toString())
    builder.append(",")
    i = i + 1
}
print(builder.toString().length())
