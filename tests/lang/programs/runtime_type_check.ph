// Annotated parameters are checked when the function is entered.
fun shout(text: string) => text.toUpperCase()
print(shout("hi"))
let value = [1]
shout(value[0])
// expect: HI
// expect-runtime-error: TypeError
