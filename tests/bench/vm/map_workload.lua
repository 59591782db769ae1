-- Map workload: 200,000 string keys inserted, every key looked up twice, half removed.
local map = {}
local size = 0
for i = 0, 199999 do
    map["key" .. tostring(i)] = i
    size = size + 1
end
local sum = 0
for _ = 1, 2 do
    for i = 0, 199999 do
        sum = sum + map["key" .. tostring(i)]
    end
end
for i = 0, 199999, 2 do
    map["key" .. tostring(i)] = nil
    size = size - 1
end
print(sum)
print(size)
