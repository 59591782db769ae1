// shell/desktop/shell.ph: DesktopShell, the Phantom desktop shell, for a world program to run
// (shell/desktop/desktop.ph alone, shell/system.ph next to the object shell on the console).
//
// It owns the screen: a wallpaper window at the bottom, a task bar at the bottom edge with the
// launcher, one button per window, the snapshot indicator and the clock, and the applications
// of apps/. One green thread runs the loop: take the input the compositor turned into events,
// hand each one to the object owning its window, let the applications tick, sleep a frame.
// Everything it draws is kept in the windows' persistent pixels, so after a power cut the
// loop simply carries on and the screen comes back as it was without a repaint.

import "widgets.ph"
import "../../apps/notepad.ph"
import "../../apps/calculator.ph"
import "../../apps/clock.ph"
import "../../apps/paint.ph"
import "../../apps/browser.ph"
import "../../apps/tasks.ph"
import "../../apps/snake.ph"
import "../../apps/shellwindow.ph"

let TASKBAR_HEIGHT = 36
let LAUNCHER_WIDTH = 104
let BUTTON_WIDTH = 168

class DesktopShell {
    var desktop = nil
    var wallpaper = nil
    var taskbar = nil
    var menu = nil
    var apps = []
    var launchers = []
    var buttons = []          // [left, width, app] of each task-bar button
    var signature = ""        // what the task bar shows, to redraw it only on change
    var lastSecond = -1
    var lastCheck = 0
    var frames = 0

    init() {
        desktop = Desktop()
        Session.desktop = desktop
        Session.shell = this
        launchers = [
            ["Notepad", fun() => Notepad()],
            ["Calculator", fun() => Calculator()],
            ["Clock", fun() => ClockApp()],
            ["Paint", fun() => PaintApp()],
            ["Object browser", fun() => ObjectBrowser()],
            ["Threads", fun() => TasksApp()],
            ["Snake", fun() => SnakeGame()],
            ["Object shell", fun() => ShellWindow()],
        ]
        let width = desktop.screenWidth()
        let height = desktop.screenHeight()
        wallpaper = Window("Wallpaper", 0, 0, width, height - TASKBAR_HEIGHT, "background")
        paintWallpaper()
        desktop.open(wallpaper)
        taskbar = Window("Task bar", 0, height - TASKBAR_HEIGHT, width, TASKBAR_HEIGHT, "panel")
        desktop.open(taskbar)
        paintTaskbar()
    }

    fun paintWallpaper() {
        let w = wallpaper.width()
        let h = wallpaper.height()
        wallpaper.fillGradient(0, 0, w, h, 0x16213e, 0x3a6f8f)
        // Soft light discs: depth without an image file.
        wallpaper.fillRoundedRect(w - 520, -180, 640, 640, 320, 0x1effffff)
        wallpaper.fillRoundedRect(w - 380, 120, 420, 420, 210, 0x14ffffff)
        wallpaper.fillRoundedRect(-160, h - 300, 460, 460, 230, 0x10ffffff)
        wallpaper.drawText(w - 300, h - 110, "Phantom", 0xd0ffffff, "sans", 28)
        wallpaper.drawText(w - 300, h - 70, "Every object persists. A power cut is a pause.", 0x90ffffff, "sans", 11)
    }

    // How many windows titled `title` are open: a new one is placed below and right of them.
    fun cascade(title) {
        var count = 0
        for (app in apps) if (app.title() == title) count += 1
        return count
    }

    fun launch(index) {
        let make = launchers[index][1]
        let app = make()
        app.open()
        return app
    }
    fun appOpened(app) {
        if (!apps.contains(app)) apps.push(app)
        paintTaskbar()
    }
    fun appClosed(app) {
        let index = apps.indexOf(app)
        if (index >= 0) apps.removeAt(index)
        paintTaskbar()
    }
    fun findApp(title) {
        for (app in apps) if (app.title() == title) return app
        return nil
    }

    fun toggleMenu() {
        if (menu != nil) {
            menu.close()
            return
        }
        var items = []
        for (i, entry in launchers) {
            let index = i
            items.push([entry[0], fun() => launch(index)])
        }
        items.push(["Take a snapshot now", fun() => World.snapshot()])
        let height = items.length() * 30 + 24
        menu = Menu(items, 4, desktop.screenHeight() - TASKBAR_HEIGHT - height - 2)
        menu.onClose = fun() { menu = nil; paintTaskbar() }
        menu.show()
        paintTaskbar()
    }

    // The snapshot indicator: the last committed generation, how long ago, and its pause.
    fun snapshotText(now) {
        var newest = nil
        for (row in World.generations()) {
            if (newest == nil || row[0] > newest[0]) newest = row
        }
        if (newest == nil) return "no snapshot yet"
        let age = larger(0, (now - newest[1]) / 1000)
        let pause = newest[3]
        let pauseText = pause < 1000 ? "${pause} us" : "${(pause / 100) / 10.0} ms"
        return "gen ${newest[0]}  ${age} s ago  pause ${pauseText}"
    }

    fun clockText(now) {
        let seconds = (now / 1000) % 86400
        let pad = fun(n) => n < 10 ? "0${n}" : "${n}"
        return "${pad(seconds / 3600)}:${pad((seconds / 60) % 60)}:${pad(seconds % 60)}"
    }

    fun taskbarSignature() {
        var text = menu == nil ? "-" : "+"
        for (app in apps) text = text + app.title() + app.window.state() + app.window.isFocused().toString() + "|"
        return text
    }

    fun paintTaskbar() {
        let now = Time.now()
        let w = taskbar.width()
        let h = taskbar.height()
        signature = taskbarSignature()
        lastSecond = now / 1000
        taskbar.clear(0xf01b2230)
        taskbar.fillRect(0, 0, w, 1, 0x40ffffff)
        // The launcher.
        taskbar.fillRoundedRect(6, 5, LAUNCHER_WIDTH - 10, h - 10, 6, menu == nil ? 0x2f6fd6 : 0x4a86e8)
        taskbar.fillRoundedRect(16, 13, 10, 10, 5, 0xffffff)
        taskbar.drawText(32, 10, "Phantom", 0xffffff, "bold", 13)
        // A button per window.
        buttons = []
        var left = LAUNCHER_WIDTH + 6
        let right = w - 380
        let each = apps.length() == 0 ? BUTTON_WIDTH : smaller(BUTTON_WIDTH, (right - left) / apps.length() - 6)
        for (app in apps) {
            let focused = app.window.isFocused()
            let minimized = app.window.state() == "minimized"
            taskbar.fillRoundedRect(left, 5, each, h - 10, 5, focused ? 0x50ffffff : 0x20ffffff)
            if (focused) taskbar.fillRect(left + 8, h - 7, each - 16, 2, 0x7fb0ff)
            taskbar.setClip(left + 8, 0, each - 16, h)
            taskbar.drawText(left + 10, 11, app.title(), minimized ? 0x90ffffff : 0xffffff, "sans", 13)
            taskbar.clearClip()
            buttons.push([left, each, app])
            left += each + 6
        }
        paintStatus(now)
    }

    fun paintStatus(now) {
        let w = taskbar.width()
        let h = taskbar.height()
        taskbar.fillRect(w - 374, 1, 374, h - 1, 0xf01b2230)
        let snapshot = snapshotText(now)
        taskbar.fillRoundedRect(w - 366, 14, 8, 8, 4, 0x5fd38d)
        taskbar.drawText(w - 352, 11, snapshot, 0xc8d2e0, "sans", 11)
        taskbar.drawText(w - 84, 9, clockText(now), 0xffffff, "bold", 13)
    }

    fun taskbarEvent(e) {
        if (e.type != "down") return
        if (e.x < LAUNCHER_WIDTH) {
            toggleMenu()
            return
        }
        for (entry in buttons) {
            if (e.x >= entry[0] && e.x < entry[0] + entry[1]) {
                let window = entry[2].window
                if (window.isFocused() && window.state() != "minimized") window.minimize() else window.focus()
                paintTaskbar()
                return
            }
        }
    }

    fun dispatch(e) {
        if (e.type == "press") {
            // A click anywhere but on the menu (or the launcher, which toggles it) closes it.
            if (menu != nil && !menu.contains(e.x, e.y)
                && !(e.y >= desktop.screenHeight() - TASKBAR_HEIGHT && e.x < LAUNCHER_WIDTH)) menu.close()
            return
        }
        let window = e.window
        if (window == nil) return
        if (window == taskbar) {
            taskbarEvent(e)
            return
        }
        let owner = window.owner()
        if (owner != nil) owner.handle(e)
    }

    fun step() {
        let events = desktop.pump()
        for (e in events) {
            try {
                dispatch(e)
            } catch (error) {
                // One application's bug must not stop the desktop.
                print("desktop: ${error}")
            }
        }
        let now = Time.now()
        for (app in apps.slice(0)) {
            try {
                app.tick(now)
            } catch (error) {
                print("desktop: ${app.title()}: ${error}")
            }
        }
        // The window list is compared after input and a few times a second (an application
        // may retitle or close its window on its own), not on every idle frame.
        let check = events.length() > 0 || now - lastCheck >= 200
        if (check) lastCheck = now
        if (check && taskbarSignature() != signature) paintTaskbar()
        else if (now / 1000 != lastSecond) {
            lastSecond = now / 1000
            paintStatus(now)
        }
        frames += 1
    }

    // Commands typed on the world's console (a terminal, or a test): the object check of the
    // desktop's state from outside the screen.
    fun command(line) {
        let words = line.trim().split(" ")
        let verb = words[0]
        if (verb == "windows") {
            for (window in desktop.windows()) {
                if (window.layer() == "normal")
                    print("desktop: window ${window.title()} at ${window.x()},${window.y()} size ${window.width()}x${window.height()} ${window.state()}, drawn ${window.drawsSinceBoot()} times since boot${window.isFocused() ? ", focused" : ""}")
            }
            print("desktop: end")
        } else if (verb == "show" && words.length() > 1) {
            let app = findApp(line.trim().substring(5))
            print(app == nil ? "desktop: no such window" : "desktop: ${app.title()}: ${app.summary()}")
        } else if (verb == "open" && words.length() > 1) {
            let name = line.trim().substring(5)
            var found = false
            for (i, entry in launchers) {
                if (entry[0] == name) {
                    launch(i)
                    found = true
                }
            }
            print(found ? "desktop: opened ${name}" : "desktop: no application ${name}")
        } else if (verb == "snapshot") {
            World.snapshot()
            print("desktop: snapshot committed")
        } else if (verb == "frames") {
            print("desktop: frames ${frames}")
        } else if (verb == "bench") {
            // Full recompositions of the screen as it is (wallpaper, every window, task bar),
            // presented: the cost a resume or a repaint-everything pays.
            let rounds = 20
            let start = Time.monotonic()
            for (i in 0..<rounds) desktop.repaint()
            let each = (Time.monotonic() - start) / rounds
            print("desktop: full repaint ${each / 1000} us (${desktop.windows().length()} windows, ${rounds} rounds)")
            // A damaged rectangle: 200x150 of the screen composed again and presented.
            let damagedStart = Time.monotonic()
            for (i in 0..<rounds) desktop.repaintRect(400, 300, 200, 150)
            let damagedEach = (Time.monotonic() - damagedStart) / rounds
            print("desktop: damaged repaint 200x150 ${damagedEach / 1000} us (${rounds} rounds)")
        } else {
            print("desktop: commands: windows, show TITLE, open APPLICATION, snapshot, frames, bench")
        }
    }

    fun listen() {
        while (true) {
            let line = World.readLine()
            // nil: the input ended (it may come back with the next boot); true: the world
            // resumed while this thread waited.
            if (line == nil) World.awaitResume()
            else if (line is String && line.trim() != "") command(line)
        }
    }

    // `withConsole`: the desktop's commands on the world's console (the desktop world alone;
    // in the system world the console belongs to the object shell).
    fun run(withConsole) {
        if (withConsole) Thread.spawn(fun() => listen())
        while (true) {
            step()
            sleep(15)
        }
    }
}
