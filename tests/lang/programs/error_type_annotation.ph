// Annotations are checked where the types are known.
var count: int = "three"
fun half(x: float): float => x / 2.0
half(3)
fun name(): string { return 42 }
// expect-error: 2:18: count has type int but this is a string
// expect-error: 4:6: parameter 'x' of 'half' has type float but this is an int (write 1.0, or call .toFloat())
// expect-error: 5:29: the return value has type string but this is an int
