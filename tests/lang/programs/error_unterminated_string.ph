// An unterminated string points at its opening quote.
print("no end)
print("fine")
// expect-error: 2:7: unterminated string: a '"' is missing at the end of the line
// expect-error: 3:1: expected ')' after the arguments, found 'print'
