-- 5,000,000 method sends on one object: sends, field loads and stores.
local Counter = {}
Counter.__index = Counter
function Counter.new()
    return setmetatable({count = 0}, Counter)
end
function Counter:add(amount)
    self.count = self.count + amount
    return self
end
function Counter:value()
    return self.count
end
local counter = Counter.new()
local i = 0
while i < 5000000 do
    counter:add(i % 3)
    i = i + 1
end
print(counter:value())
