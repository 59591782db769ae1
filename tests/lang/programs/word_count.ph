// Counting words with a map.
let text = "the quick brown fox jumps over the lazy dog the end"
var counts = [:]
for (word in text.split(" ")) counts[word] = (counts.has(word) ? counts[word] : 0) + 1
print(counts["the"])
print(counts["fox"])
print(counts.length())
// expect: 3
// expect: 1
// expect: 9
