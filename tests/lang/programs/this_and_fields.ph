// Fields by bare name or through this; methods by bare name or through this.
class Account {
    var balance = 0
    fun deposit(amount) {
        balance += amount
        this.log("deposit ${amount}")
        return this
    }
    fun log(message) { print(message) }
}
let a = Account()
a.deposit(10).deposit(5)
print(a.balance)
// expect: deposit 10
// expect: deposit 5
// expect: 15
