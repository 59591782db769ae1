// An uncaught exception ends the program with status 1 and a trace on stderr.
fun fail() {
    throw Error("boom")
}
print("before")
fail()
print("never")
// expect: before
// expect-runtime-error: Uncaught Error: boom
// expect-stderr: uncaught_exception.ph:3
