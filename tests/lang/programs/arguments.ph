// The command-line arguments after the program's name are the global array `args`.
print(args.length())
var all = ""
for (a in args) all += a
print("[${all}]")
// expect: 0
// expect: []
