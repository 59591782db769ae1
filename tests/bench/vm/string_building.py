# String building: 500,000 numbers appended to a buffer, then the length of the result.
parts = []
i = 0
while i < 500000:
    parts.append(str(i))
    parts.append(",")
    i = i + 1
print(len("".join(parts)))
