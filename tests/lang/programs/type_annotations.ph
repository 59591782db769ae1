// Annotations that agree with the values compile and run normally.
var count: int = 3
var ratio: float = 0.5
var name: string = "n"
var flag: bool = true
var items: array = [1]
var table: map = [:]
var maybe: string? = nil
fun scale(x: float, by: float): float => x * by
class P { var x: int = 0 }
let p: P = P()
print(scale(ratio, 4.0))
print("${count} ${name} ${flag} ${items.length()} ${table.length()} ${maybe} ${p.x}")
// expect: 2.0
// expect: 3 n true 1 0 nil 0
