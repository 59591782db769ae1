// 5,000,000 method sends on one object: sends, field loads and stores.
class Counter {
    var count
    init() {
        this.count = 0
    }
    fun add(amount) {
        this.count = this.count + amount
        return this
    }
    fun value() {
        return this.count
    }
}
let counter = Counter()
var i = 0
while (i < 5000000) {
    counter.add(i % 3)
    i = i + 1
}
print(counter.value())
