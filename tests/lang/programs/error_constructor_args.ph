// Constructors are checked like functions.
class Pair {
    init(a, b) {}
}
Pair(1)
// expect-error: 5:5: the constructor of 'Pair' expects 2 arguments but 1 was given
