// Inner handlers come first; rethrow reaches the outer try.
try {
    try {
        throw Error("deep")
    } catch (e) {
        print("inner ${e.message()}")
        throw e
    }
} catch (e) {
    print("outer ${e.message()}")
}
// expect: inner deep
// expect: outer deep
