// tests/hosted/world_counter.ph: the world of hosted.world_crash (WorldCrashTest.cpp). A
// persistent counter and a persistent list grow together; a resumed world must continue
// this very thread (the start line appears once over every restart) with the list exactly as
// long as the counter (a committed snapshot is consistent). Sleeping a little now and then
// keeps the list (and the snapshots) small over a long test.
var counter = 0
var items = []
print("world counter: main started")
while (true) {
    counter += 1
    items.push(counter)
    if (counter % 200 == 0) print("world counter: count=${counter} length=${items.length()}")
    if (counter % 20 == 0) sleep(1)
}
