// this and super outside methods.
print(this)
fun f() => super.g()
// expect-error: 2:7: 'this' is only available in methods and constructors
// expect-error: 3:12: 'super' is only available in methods and constructors
