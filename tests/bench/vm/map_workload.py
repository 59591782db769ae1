# Map workload: 200,000 string keys inserted, every key looked up twice, half removed.
table = {}
for i in range(200000):
    table["key" + str(i)] = i
total = 0
for _ in range(2):
    for i in range(200000):
        total += table["key" + str(i)]
for i in range(0, 200000, 2):
    del table["key" + str(i)]
print(total)
print(len(table))
