// binary-trees, depth 16: allocation of many short-lived objects, recursion.
class Node {
    var left
    var right
    init(left, right) {
        this.left = left
        this.right = right
    }
    fun check() {
        if (this.left == nil) {
            return 1
        }
        return 1 + this.left.check() + this.right.check()
    }
}
fun make(depth) {
    if (depth == 0) {
        return Node(nil, nil)
    }
    return Node(make(depth - 1), make(depth - 1))
}
let maxDepth = 16
let stretch = make(maxDepth + 1)
print("stretch tree of depth " + (maxDepth + 1).toString() + " check: " + stretch.check().toString())
let longLived = make(maxDepth)
var depth = 4
while (depth <= maxDepth) {
    let iterations = 1 << (maxDepth - depth + 4)
    var check = 0
    var i = 0
    while (i < iterations) {
        check = check + make(depth).check()
        i = i + 1
    }
    print(iterations.toString() + " trees of depth " + depth.toString() + " check: " + check.toString())
    depth = depth + 2
}
print("long lived tree of depth " + maxDepth.toString() + " check: " + longLived.check().toString())
