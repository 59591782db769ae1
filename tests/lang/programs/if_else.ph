// if / else if / else chains.
fun classify(n) {
    if (n < 0) return "negative"
    else if (n == 0) return "zero"
    else if (n < 10) return "small"
    else return "large"
}
print(classify(-5))
print(classify(0))
print(classify(7))
print(classify(100))
if (true) print("single statement")
if (false) { print("never") } else { print("else block") }
// expect: negative
// expect: zero
// expect: small
// expect: large
// expect: single statement
// expect: else block
