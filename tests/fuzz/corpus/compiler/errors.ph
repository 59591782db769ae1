class Broken {
    fun missing( {
        return 1 +
    }
}
let x = [1, 2
print("unterminated
