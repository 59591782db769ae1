// apps/tasks.ph: the threads viewer: every VM thread of the world with its id, name, state and
// stack depth, refreshed twice a second, and the heap of windows the desktop shows.

import "../shell/desktop/widgets.ph"

class TasksApp : App {
    var list = nil
    var footer = nil
    var last = 0

    init() {
        super("Threads", placeX("Threads", 200), placeY("Threads", 100), 460, 320)
        footer = Label("")
        footer.color = Theme.muted
        list = ListView([])
        list.face = "mono"
        list.grow = 1
        setRoot(padded(column([label("Threads of this world"), list, footer], 6), 8))
        refresh()
    }
    fun pad(text, width) {
        var result = text.toString()
        while (result.length() < width) result = result + " "
        return result
    }
    fun refresh() {
        var lines = [pad("id", 5) + pad("name", 18) + pad("state", 11) + "frames"]
        for (thread in World.threads()) lines.push(pad(thread[0], 5) + pad(thread[1], 18) + pad(thread[2], 11) + thread[3].toString())
        list.setItems(lines)
        footer.setText("${lines.length() - 1} threads, ${Session.desktop.windows().length()} windows open, generation ${World.generation()}")
    }
    fun tick(now) {
        if (now - last < 500) return
        last = now
        refresh()
    }
}
