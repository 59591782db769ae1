// The standard library's strings module.
import strings
print(padLeft(42, 6, "0"))
print(padRight("ab", 4, ".") + "|")
print(reverse("phantom"))
print(isPalindrome("level"))
print(isPalindrome("levels"))
print(count("banana", "an"))
print(words("  the   quick brown  ").join("|"))
// expect: 000042
// expect: ab..|
// expect: motnahp
// expect: true
// expect: false
// expect: 2
// expect: the|quick|brown
