// tests/hosted/world_steps.ph: the world of hosted.world_crash's shutdown check. One line per
// step: after an orderly shutdown the resumed world's first line must be the next step
// exactly, which only the shutdown's last snapshot can give (periodic snapshots are off).
var step = 0
print("world steps: main started")
while (true) {
    step += 1
    print("world steps: step ${step}")
    sleep(2)
}
