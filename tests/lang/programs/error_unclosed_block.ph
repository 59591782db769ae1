// A block that is never closed is reported where it opens.
fun f() {
    print(1)
// expect-error: 2:9: this '{' is never closed; a '}' is missing
