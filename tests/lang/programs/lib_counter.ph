// A module with a global variable (used by import_bare_name.ph).
var counter = 0
fun bump() { counter += 1 }
fun current() => counter
