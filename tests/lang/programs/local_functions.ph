// A named fun inside a block is a local closure that can call itself.
fun sum_to(n) {
    fun go(i, acc) {
        if (i > n) return acc
        return go(i + 1, acc + i)
    }
    return go(1, 0)
}
print(sum_to(100))
fun fact_table() {
    fun fact(k) => k <= 1 ? 1 : k * fact(k - 1)
    var out = ""
    for (i in 1..5) out += "${fact(i)} "
    return out
}
print(fact_table())
// expect: 5050
// expect: 1 2 6 24 120 
