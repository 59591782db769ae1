// strings.ph: text helpers in Phantom (`import strings`). The String class itself (length,
// substring, split, indexOf...) is native; these are built from it.

// `text` widened to `width` characters by adding `fill` on the left.
fun padLeft(text, width, fill) {
    var out = text.toString()
    while (out.length() < width) out = fill + out
    return out
}

fun padRight(text, width, fill) {
    var out = text.toString()
    while (out.length() < width) out = out + fill
    return out
}

// The characters of `text` in reverse order.
fun reverse(text) {
    var out = StringBuilder()
    var i = text.length() - 1
    while (i >= 0) {
        out.append(text.charAt(i))
        i -= 1
    }
    return out.toString()
}

fun isPalindrome(text) => reverse(text) == text

// How many times `needle` occurs in `text`, without overlaps.
fun count(text, needle) {
    if (needle.length() == 0) return 0
    var found = 0
    var rest = text
    var at = rest.indexOf(needle)
    while (at >= 0) {
        found += 1
        rest = rest.substring(at + needle.length())
        at = rest.indexOf(needle)
    }
    return found
}

// Words separated by runs of spaces.
fun words(text) {
    var out = []
    for (word in text.split(" ")) if (word.length() > 0) out.push(word)
    return out
}
