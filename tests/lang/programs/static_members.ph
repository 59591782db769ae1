// Static methods and static fields belong to the class.
class Registry {
    static var count = 0
    static var names = []
    static fun register(name) {
        count += 1
        names.push(name)
        return count
    }
    static fun describe() => "${count}: ${names.join(",")}"
}
Registry.register("a")
Registry.register("b")
print(Registry.count)
print(Registry.describe())
Registry.count = 10
print(Registry.count)
// expect: 2
// expect: 2: a,b
// expect: 10
