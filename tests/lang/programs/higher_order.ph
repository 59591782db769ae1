// Array methods taking closures (map, forEach, sort with a comparator).
let numbers = [5, 3, 8, 1]
let doubled = numbers.map(fun(x) => x * 2)
print(doubled.join(","))
var total = 0
numbers.forEach(fun(x) { total += x })
print(total)
let sorted = numbers.sort(fun(a, b) => a - b)
print(sorted.join(" "))
// expect: 10,6,16,2
// expect: 17
// expect: 1 3 5 8
