// Static methods as factories and counters of instances.
class Color {
    static var made = 0
    var name
    init(name) { this.name = name; made += 1 }
    static fun red() => Color("red")
    static fun green() => Color("green")
}
let colors = [Color.red(), Color.green(), Color.red()]
print(Color.made)
print(colors[1].name)
// expect: 3
// expect: green
