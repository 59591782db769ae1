// Map workload: 200,000 string keys inserted, every key looked up twice, half removed.
let map = [:]
var i = 0
while (i < 200000) {
    map["key" + i.toString()] = i
    i = i + 1
}
var sum = 0
var round = 0
while (round < 2) {
    i = 0
    while (i < 200000) {
        sum = sum + map["key" + i.toString()]
        i = i + 1
    }
    round = round + 1
}
i = 0
while (i < 200000) {
    map.remove("key" + i.toString())
    i = i + 2
}
print(sum)
print(map.size())
