-- binary-trees, depth 16: allocation of many short-lived objects, recursion.
local function make(depth)
    if depth == 0 then
        return {}
    end
    return {make(depth - 1), make(depth - 1)}
end
local function check(node)
    if node[1] == nil then
        return 1
    end
    return 1 + check(node[1]) + check(node[2])
end
local maxDepth = 16
local stretch = make(maxDepth + 1)
print("stretch tree of depth " .. (maxDepth + 1) .. " check: " .. check(stretch))
local longLived = make(maxDepth)
local depth = 4
while depth <= maxDepth do
    local iterations = 1 << (maxDepth - depth + 4)
    local sum = 0
    for _ = 1, iterations do
        sum = sum + check(make(depth))
    end
    print(iterations .. " trees of depth " .. depth .. " check: " .. sum)
    depth = depth + 2
end
print("long lived tree of depth " .. maxDepth .. " check: " .. check(longLived))
