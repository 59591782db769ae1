// tests/system/worlds/churn.ph: the workload of phantom-bench-world (hosted, and embedded in the
// kernel as world `churn`). A working set of 20,000 small arrays is rewritten slot by slot, so
// every snapshot finds pages dirty all over the heap, while the garbage collector reclaims the
// replaced arrays. Rounds of equal work print a line each; the benchmark times them from outside.
var table = []
var index = 0
while (index < 20000) {
    table.push([index, "start"])
    index += 1
}
print("churn: ready")
var round = 0
while (round < 12) {
    var step = 0
    while (step < 200000) {
        table[step % 20000] = [step, round]
        step += 1
    }
    round += 1
    print("churn: round ${round}")
}
print("churn: done")
