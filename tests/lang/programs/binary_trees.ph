// A small binary-trees workload: many allocations, the GC reclaims them.
class Tree {
    var left
    var right
    init(left, right) { this.left = left; this.right = right }
    fun check() => left == nil ? 1 : 1 + left.check() + right.check()
}
fun make(depth) => depth == 0 ? Tree(nil, nil) : Tree(make(depth - 1), make(depth - 1))
var total = 0
for (i in 0..<20) total += make(8).check()
print(total)
// expect: 10220
