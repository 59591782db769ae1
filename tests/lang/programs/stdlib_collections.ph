// The standard library's collections module, written in Phantom.
import collections
let numbers = range(1, 11)
print(sum(numbers))
print(filter(numbers, fun(n) => n % 3 == 0).join(","))
print(reduce(numbers, fun(a, b) => a * b, 1))
print(maxOf([3, 9, 2]))
print(minOf([3, 9, 2]))
print(any(numbers, fun(n) => n > 9))
print(all(numbers, fun(n) => n > 1))
print(zip([1, 2, 3], ["a", "b"]).length())
let s = Set().add(1).add(2).add(1)
print(s.size())
print(s.union(Set().add(3)))
let q = Queue()
for (i in 0..<100) q.push(i)
var drained = 0
while (!q.isEmpty()) drained += q.pop()
print(drained)
try { q.pop() } catch (e: IndexError) { print(e.message()) }
// expect: 55
// expect: 3,6,9
// expect: 3628800
// expect: 9
// expect: 2
// expect: true
// expect: false
// expect: 2
// expect: 2
// expect: Set(1, 2, 3)
// expect: 4950
// expect: the queue is empty
