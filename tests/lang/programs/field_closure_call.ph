// A field holding a closure is called like a method.
class Task {
    var action
    init(action) { this.action = action }
    fun run() => action()
}
let t = Task(fun() => "ran")
print(t.run())
print(t.action())
// expect: ran
// expect: ran
