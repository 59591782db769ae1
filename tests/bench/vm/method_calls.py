# 5,000,000 method sends on one object: sends, field loads and stores.
class Counter:
    def __init__(self):
        self.count = 0

    def add(self, amount):
        self.count = self.count + amount
        return self

    def value(self):
        return self.count


counter = Counter()
i = 0
while i < 5000000:
    counter.add(i % 3)
    i = i + 1
print(counter.value())
