// Functions may call functions declared later in the file.
fun is_even(n) => n == 0 ? true : is_odd(n - 1)
fun is_odd(n) => n == 0 ? false : is_even(n - 1)
print(is_even(10))
print(is_odd(7))
print(is_even(7))
// expect: true
// expect: true
// expect: false
