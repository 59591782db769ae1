// String methods provided by the VM's String class.
let s = "Hello, Phantom"
print(s.length())
print(s.toUpperCase())
print(s.substring(7))
print(s.indexOf("Phantom"))
print(s.contains("lo,"))
print(s.startsWith("Hell"))
print("a,b,c".split(",").length())
print("  trim me  ".trim())
print("ab".repeat(3))
print("x" + "y" + "z")
// expect: 14
// expect: HELLO, PHANTOM
// expect: Phantom
// expect: 7
// expect: true
// expect: true
// expect: 3
// expect: trim me
// expect: ababab
// expect: xyz
