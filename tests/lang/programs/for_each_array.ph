// for-in over arrays: elements, or index and element.
let fruits = ["apple", "banana", "cherry"]
for (fruit in fruits) print(fruit)
for (i, fruit in fruits) print("${i}: ${fruit}")
var sum = 0
for (x in [10, 20, 30]) sum += x
print(sum)
// expect: apple
// expect: banana
// expect: cherry
// expect: 0: apple
// expect: 1: banana
// expect: 2: cherry
// expect: 60
