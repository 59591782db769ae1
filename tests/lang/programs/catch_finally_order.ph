// catch runs before finally; an exception in catch still runs finally.
fun attempt() {
    try {
        throw Error("a")
    } catch (e) {
        print("catch")
        throw Error("from catch")
    } finally {
        print("finally")
    }
}
try { attempt() } catch (e) { print("outer got ${e.message()}") }
// expect: catch
// expect: finally
// expect: outer got from catch
