// Sieve of Eratosthenes.
fun primes_below(n) {
    var marks = []
    for (i in 0..<n) marks.push(true)
    var found = []
    for (i in 2..<n) {
        if (!marks[i]) continue
        found.push(i)
        var j = i * i
        while (j < n) { marks[j] = false; j += i }
    }
    return found
}
let p = primes_below(50)
print(p.join(" "))
print(primes_below(10000).length())
// expect: 2 3 5 7 11 13 17 19 23 29 31 37 41 43 47
// expect: 1229
