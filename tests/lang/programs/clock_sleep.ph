// clock() measures milliseconds; sleep(ms) pauses at least that long.
let start = clock()
sleep(30)
let elapsed = clock() - start
print(elapsed >= 25)
write("no line break, ")
print("then one")
// expect: true
// expect: no line break, then one
