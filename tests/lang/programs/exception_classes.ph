// Catch clauses are tried in order and match subclasses.
class AppError : Error {
    init(message) { super(message) }
}
class NotFound : AppError {
    var key
    init(key) {
        super("not found: ${key}")
        this.key = key
    }
}
fun find(key) { throw NotFound(key) }
try {
    find("x")
} catch (e: NotFound) {
    print("NotFound ${e.key}")
} catch (e: AppError) {
    print("AppError")
}
try {
    throw AppError("general")
} catch (e: NotFound) {
    print("wrong")
} catch (e: AppError) {
    print("AppError ${e.message()}")
}
try {
    throw NotFound("y")
} catch (e: Error) {
    print(e.message())
}
// expect: NotFound x
// expect: AppError general
// expect: not found: y
