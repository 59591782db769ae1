// Unbounded recursion is a StackOverflow exception, not a crash.
fun forever(n) => forever(n + 1)
try {
    forever(0)
} catch (e: StackOverflow) {
    print("stack overflow caught")
}
// expect: stack overflow caught
