// A hand-written insertion sort and the built-in sort.
fun insertion_sort(a) {
    for (i in 1..<a.length()) {
        let key = a[i]
        var j = i - 1
        while (j >= 0 && a[j] > key) {
            a[j + 1] = a[j]
            j -= 1
        }
        a[j + 1] = key
    }
    return a
}
print(insertion_sort([5, 2, 9, 1, 5, 6]).join(","))
print([3, 1, 2].sort().join(","))
// expect: 1,2,5,5,6,9
// expect: 1,2,3
