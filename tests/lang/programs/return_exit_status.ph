// A top-level return ends the program with that exit status.
print("exiting")
return 3
// expect: exiting
// expect-exit: 3
