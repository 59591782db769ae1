// A linked list built from objects.
class Node {
    var value
    var next
    init(value, next) { this.value = value; this.next = next }
}
class List {
    var head
    var size = 0
    fun push(value) { head = Node(value, head); size += 1 }
    fun sum() {
        var total = 0
        var node = head
        while (node != nil) { total += node.value; node = node.next }
        return total
    }
    fun reversed() {
        let out = List()
        var node = head
        while (node != nil) { out.push(node.value); node = node.next }
        return out
    }
}
let list = List()
for (i in 1..10) list.push(i)
print(list.size)
print(list.sum())
print(list.reversed().head.value)
// expect: 10
// expect: 55
// expect: 1
