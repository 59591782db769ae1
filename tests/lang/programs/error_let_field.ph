// A `let` field cannot be assigned outside the constructor.
class Person {
    let name
    init(name) { this.name = name }
    fun rename(other) { name = other }
    fun rename2(other) { this.name = other }
}
Person("a").name = "b"
// expect-error: 5:25: 'name' is a constant (let) and cannot be assigned
// expect-error: 6:31: 'name' is a constant (let) and cannot be assigned
// expect-error: 8:13: 'name' is a constant (let) and cannot be assigned
