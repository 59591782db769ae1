// print shows each kind of value.
print(42)
print(-7)
print(2.5)
print(true)
print(false)
print(nil)
print("text")
print()
print("after empty line")
// expect: 42
// expect: -7
// expect: 2.5
// expect: true
// expect: false
// expect: nil
// expect: text
// expect: 
// expect: after empty line
