// Comments of both kinds.
/* a block comment
   over several lines */
print(1) // trailing comment
print(/* inline */ 2)
// expect: 1
// expect: 2
