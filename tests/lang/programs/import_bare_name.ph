// import by module name (lib_counter means lib_counter.ph); its globals work.
import lib_counter
bump()
bump()
print(current())
// expect: 2
