// tests/hosted/world_restart.ph: the world of hosted.restart_contract (RestartContractTest.cpp).
// One thread waits on a channel that nobody writes to; a restart makes that wait throw
// Restarted (Channel.wait's policy), which the thread catches, prints and waits again. A
// periodic timer counts ticks in a persistent global and keeps firing across restarts; an
// onResumed subscriber prints the downtime of every resume.
var ticks = 0
print("restart world: main started")
System.onResumed(fun(ms) { print("restart world: resumed after ${ms} ms (resume ${System.resumeCount()})") })
let channel = Channel.open("contract")
Thread.spawn(fun() {
    while (true) {
        try {
            let input = channel.wait(600000)
            print("restart world: wait returned ${input}")
        } catch (e: Restarted) {
            print("restart world: caught ${e.message()}")
        }
    }
})
let timer = Timer.every(40, fun() {
    ticks += 1
    if (ticks % 5 == 0) print("restart world: tick ${ticks}")
})
while (true) sleep(1000)
