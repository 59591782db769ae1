// Importing a file that does not exist.
import "no_such_file.ph"
print(1)
// expect-error: 2:1: cannot import 'no_such_file.ph'
