// Deep recursion works: frames live in the thread's stack object, not the C++ stack.
fun depth(n) => n == 0 ? 0 : 1 + depth(n - 1)
print(depth(10000))
// expect: 10000
