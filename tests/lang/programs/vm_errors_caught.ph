// Errors raised by the VM are exceptions a program can catch.
try { print(1 / 0) } catch (e: ArithmeticError) { print("division by zero caught") }
try { [1, 2][5] } catch (e: IndexError) { print("index caught") }
try { nil.foo() } catch (e: NoSuchMethod) { print("no such method caught") }
class A {}
fun make() => A()
try { make().missing } catch (e: NoSuchField) { print("no such field caught") }
// expect: division by zero caught
// expect: index caught
// expect: no such method caught
// expect: no such field caught
