// Any value can be thrown.
try { throw 42 } catch (e) { print(e + 1) }
try { throw "text" } catch (e) { print(e) }
// expect: 43
// expect: text
