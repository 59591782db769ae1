// Single inheritance: inherited fields and methods, overriding, super calls.
class Animal {
    var name
    init(name) { this.name = name }
    fun sound() => "..."
    fun speak() => "${name} says ${sound()}"
}
class Dog : Animal {
    init(name) { super(name) }
    fun sound() => "woof"
}
class Puppy : Dog {
    init(name) { super(name + " jr") }
    fun sound() => super.sound() + "!"
}
print(Animal("generic").speak())
print(Dog("rex").speak())
print(Puppy("rex").speak())
// expect: generic says ...
// expect: rex says woof
// expect: rex jr says woof!
