// A class without init: fields start with their initial values (or nil).
class Settings {
    var volume = 7
    var theme = "dark"
    var owner
}
let s = Settings()
print(s.volume)
print(s.theme)
print(s.owner)
// expect: 7
// expect: dark
// expect: nil
