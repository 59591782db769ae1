// Annotated fields and return types are checked at run time when the compiler cannot know
// the value's type.
class Account {
    var balance: int = 0
    fun deposit(amount) { balance = balance + amount }
}
fun parse(text): int => text.toInt()
fun broken(): int => [1, "two"][1]
let a = Account()
a.deposit(5)
print(a.balance)
print(parse("42") + 1)
try {
    a.deposit(0.5)
} catch (e: TypeError) {
    print("field check")
}
try {
    broken()
} catch (e: TypeError) {
    print("return check")
}
// expect: 5
// expect: 43
// expect: field check
// expect: return check
