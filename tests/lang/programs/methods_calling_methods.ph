// Methods calling other methods by bare name and through this.
class Calculator {
    var memory = 0
    fun add(x) { memory = memory + x; return this }
    fun double() => add(memory)
    fun result() => memory
}
print(Calculator().add(5).double().result())
// expect: 10
