// The smallest program: top-level statements run in order.
print("hello")
// expect: hello
