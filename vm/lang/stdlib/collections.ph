// collections.ph: helpers over arrays and maps, and two small container classes.
// Part of Phantom's standard library, written in Phantom: `import collections`.

// The integers from `start` up to but not including `end`, as an array.
fun range(start, end) {
    var out = []
    for (i in start..<end) out.push(i)
    return out
}

// The elements for which `keep(element)` is true.
fun filter(items, keep) {
    var out = []
    for (item in items) if (keep(item)) out.push(item)
    return out
}

// Folds the elements from the left: combine(combine(initial, a0), a1)...
fun reduce(items, combine, initial) {
    var result = initial
    for (item in items) result = combine(result, item)
    return result
}

fun sum(items) => reduce(items, fun(a, b) => a + b, 0)

// The largest element (nil for an empty array).
fun maxOf(items) {
    var best = nil
    for (item in items) if (best == nil || item > best) best = item
    return best
}

fun minOf(items) {
    var best = nil
    for (item in items) if (best == nil || item < best) best = item
    return best
}

fun any(items, test) {
    for (item in items) if (test(item)) return true
    return false
}

fun all(items, test) {
    for (item in items) if (!test(item)) return false
    return true
}

// Pairs of elements at the same index, as two-element arrays, up to the shorter length.
fun zip(first, second) {
    var out = []
    let count = first.length().min(second.length())
    for (i in 0..<count) out.push([first[i], second[i]])
    return out
}

// A set of values, kept in insertion order (a map from value to true).
class Set {
    var entries = [:]

    fun add(value) {
        entries[value] = true
        return this
    }
    fun contains(value) => entries.has(value)
    fun remove(value) {
        if (entries.has(value)) entries.remove(value)
    }
    fun size() => entries.length()
    fun values() => entries.keys()
    fun union(other) {
        let out = Set()
        for (value in values()) out.add(value)
        for (value in other.values()) out.add(value)
        return out
    }
    fun toString() => "Set(" + values().join(", ") + ")"
}

// A first-in first-out queue over an array; removal from the front is amortised O(1).
class Queue {
    var items = []
    var head = 0

    fun push(value) { items.push(value) }
    fun isEmpty() => head >= items.length()
    fun size() => items.length() - head
    fun pop() {
        if (isEmpty()) throw IndexError("the queue is empty")
        let value = items[head]
        items[head] = nil
        head += 1
        // Drop the consumed prefix now and then so memory does not grow without bound.
        if (head > 32 && head * 2 > items.length()) {
            items = items.slice(head, items.length())
            head = 0
        }
        return value
    }
}
