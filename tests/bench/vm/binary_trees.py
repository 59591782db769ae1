# binary-trees, depth 16: allocation of many short-lived objects, recursion.
class Node:
    __slots__ = ("left", "right")

    def __init__(self, left, right):
        self.left = left
        self.right = right

    def check(self):
        if self.left is None:
            return 1
        return 1 + self.left.check() + self.right.check()


def make(depth):
    if depth == 0:
        return Node(None, None)
    return Node(make(depth - 1), make(depth - 1))


max_depth = 16
stretch = make(max_depth + 1)
print("stretch tree of depth " + str(max_depth + 1) + " check: " + str(stretch.check()))
long_lived = make(max_depth)
depth = 4
while depth <= max_depth:
    iterations = 1 << (max_depth - depth + 4)
    total = 0
    for _ in range(iterations):
        total += make(depth).check()
    print(str(iterations) + " trees of depth " + str(depth) + " check: " + str(total))
    depth += 2
print("long lived tree of depth " + str(max_depth) + " check: " + str(long_lived.check()))
