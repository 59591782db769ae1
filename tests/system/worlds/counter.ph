// tests/system/worlds/counter.ph: the world of system.world_power_cut and
// system.world_cross_port (WorldTest.cpp). A persistent counter and a persistent list grow
// together in one thread; a resumed world must continue this very thread (the start line
// appears once over every boot) with the list exactly as long as the counter (a committed
// snapshot is consistent). The short sleeps keep the list and the snapshots small.
var counter = 0
var items = []
print("world counter: main started")
while (true) {
    counter += 1
    items.push(counter)
    if (counter % 100 == 0) print("world counter: count=${counter} length=${items.length()}")
    if (counter % 20 == 0) sleep(1)
}
