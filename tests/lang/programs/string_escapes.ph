// Escape sequences in string literals.
print("tab:\tend")
print("quote: \"q\"")
print("backslash: \\")
print("dollar: \${not interpolated}")
print("hex: \x41\x42")
print("two\nlines")
// expect: tab:	end
// expect: quote: "q"
// expect: backslash: \
// expect: dollar: ${not interpolated}
// expect: hex: AB
// expect: two
// expect: lines
