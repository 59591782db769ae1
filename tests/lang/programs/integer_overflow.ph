// Integers do not wrap: overflow throws ArithmeticError.
var big = 4611686018427387903
print(big)
try {
    big = big + 1
    print("wrapped")
} catch (e: ArithmeticError) {
    print("overflow caught")
}
// expect: 4611686018427387903
// expect: overflow caught
