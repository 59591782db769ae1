// A `let` field is set once, in the constructor (or by its initializer), and is read-only after.
class Person {
    let name
    let species = "human"
    init(name) { this.name = name }
    fun greet() => "I am ${name}, a ${species}"
}
print(Person("Ada").greet())
// expect: I am Ada, a human
