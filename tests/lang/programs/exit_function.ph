// exit(n) ends the program from anywhere.
fun stop() {
    exit(4)
}
print("start")
stop()
print("never")
// expect: start
// expect-exit: 4
