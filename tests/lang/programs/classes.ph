// A class with fields, a constructor and methods.
class Counter {
    var count = 0
    var step
    init(step) { this.step = step }
    fun increment() { count += step }
    fun value() => count
}
let c = Counter(5)
c.increment()
c.increment()
print(c.value())
print(c.count)
c.count = 100
print(c.value())
// expect: 10
// expect: 10
// expect: 100
