// Threads: spawn runs a closure concurrently; join waits for it.
var results = []
let m = Mutex()
fun worker(id) => fun() {
    for (i in 0..<3) {
        m.lock()
        results.push(id)
        m.unlock()
        Thread.yield()
    }
}
let t1 = Thread.spawn(worker(1))
let t2 = Thread.spawn(worker(2))
t1.join()
t2.join()
print(results.length())
var ones = 0
for (r in results) if (r == 1) ones += 1
print(ones)
// expect: 6
// expect: 3
