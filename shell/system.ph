// shell/system.ph: the system world's program. The object shell (shell/objectshell.ph: a
// prompt that evaluates Phantom code against the live objects of the world and looks around
// in it) always runs on the console (COM1 on pc, the terminal on the hosted port); on a
// machine with a screen the desktop (shell/desktop/shell.ph) runs too, with the object shell
// also as one of its windows. It is an ordinary world program: its threads, the shells'
// state and every variable and class typed at them live in persistent memory, so they
// survive power cuts and restarts. docs/shell.md describes the commands.

import "objectshell.ph"
import "desktop/shell.ph"

class SystemConsole {
    // The console's shell: read a line, hand it over, show the next prompt.
    static fun start() {
        let shell = ObjectShell(ConsoleOutput())
        print(shell.banner())
        while (true) {
            write(shell.prompt())
            let line = World.readLine()
            if (line == true) {
                print("")
                shell.resumed()
            } else if (line == nil) {
                if (shell.pending != nil) {
                    shell.giveUp()
                    continue
                }
                print("")
                print("end of input; the shell waits for the world to resume")
                World.awaitResume()
                print(World.resumeNote())
            } else if (line is String) {
                shell.submit(line)
            }
        }
    }
}

// The desktop on the screen (if this machine shows one) while the console keeps the shell.
if (Desktop.hasScreen()) {
    Thread.spawn(fun() => DesktopShell().run(false))
}
SystemConsole.start()
