// Closures made in methods see `this` and its fields.
class Button {
    var label
    var clicks = 0
    init(label) { this.label = label }
    fun handler() => fun() {
        clicks += 1
        return "${label} clicked ${clicks}"
    }
}
let b = Button("ok")
let on_click = b.handler()
on_click()
print(on_click())
print(b.clicks)
// expect: ok clicked 2
// expect: 2
