// A generic stack with error handling.
class EmptyStack : Error {
    init() { super("the stack is empty") }
}
class Pile {
    var items = []
    fun push(x) { items.push(x) }
    fun pop() {
        if (items.isEmpty()) throw EmptyStack()
        return items.pop()
    }
    fun size() => items.length()
}
let s = Pile()
s.push(1)
s.push(2)
print(s.pop() + s.pop())
try { s.pop() } catch (e: EmptyStack) { print(e.message()) }
// expect: 3
// expect: the stack is empty
