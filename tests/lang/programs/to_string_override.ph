// toString controls how objects print and interpolate.
class Fraction {
    var n
    var d
    init(n, d) { this.n = n; this.d = d }
    fun toString() => "${n}/${d}"
}
let f = Fraction(3, 4)
print(f)
print("half of it is ${Fraction(3, 8)}")
// expect: 3/4
// expect: half of it is 3/8
