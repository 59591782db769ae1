-- String building: 500,000 numbers appended to a buffer, then the length of the result.
local parts = {}
local count = 0
for i = 0, 499999 do
    count = count + 1
    parts[count] = tostring(i)
    count = count + 1
    parts[count] = ","
end
print(#table.concat(parts))
