// shell/desktop/desktop.ph: the desktop world, the desktop shell (shell.ph) alone with its
// commands on the world's console (`help` lists them).
//
//     phantom-hosted disk=desk.img world=shell/desktop/desktop.ph window=1
//     (pc: the kernel's embedded world `desktop`, booted with `world=desktop`)

import "shell.ph"

let shell = DesktopShell()
print("desktop: ready ${shell.desktop.screenWidth()}x${shell.desktop.screenHeight()}")
shell.run(true)
