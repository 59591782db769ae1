// apps/browser.ph: the object browser: walk the live object graph from the program's globals,
// one object at a time. The list shows the parts of the current object (fields, elements,
// entries); Enter or a second click opens one; Back returns. The text under the list describes
// the selected part (World.describe, the same view as the object shell's `inspect`).

import "../shell/desktop/widgets.ph"

class ObjectBrowser : App {
    var path = []        // [name, value] pairs from the root to the current object
    var parts = []       // the current object's [name, value] pairs
    var list = nil
    var where = nil
    var details = nil

    init() {
        super("Object browser", placeX("Object browser", 300), placeY("Object browser", 150), 560, 440)
        where = Label("")
        where.face = "bold"
        list = ListView([])
        list.grow = 2
        list.onActivate = fun(index) => enter(index)
        list.onSelect = fun(index) => describe(index)
        details = TextArea("")
        details.readOnly = true
        details.grow = 1
        let tools = row([button("Back", fun() => back()), button("Root", fun() => home()), button("Refresh", fun() => show())], 6)
        setRoot(padded(column([tools, where, list, details], 6), 8))
        show()
    }
    fun current() => path.length() == 0 ? nil : path[path.length() - 1][1]
    fun show() {
        if (path.length() == 0) {
            // The globals are a map from name to value.
            parts = []
            for (name, value in World.globals()) parts.push([name, value])
        } else {
            parts = World.children(current())
        }
        var lines = []
        for (part in parts) {
            var text = "${part[1]}"
            if (text.length() > 60) text = text.substring(0, 57) + "..."
            lines.push("${part[0]}  =  ${text}")
        }
        var names = ["root"]
        for (step in path) names.push(step[0])
        where.setText(names.join(" / "))
        list.selected = -1
        list.top = 0
        list.setItems(lines)
        details.setText(path.length() == 0 ? "The program's globals. Open one to look inside." : World.describe(current()))
    }
    fun describe(index) {
        if (index < 0 || index >= parts.length()) return
        details.setText(World.describe(parts[index][1]))
    }
    fun enter(index) {
        if (index < 0 || index >= parts.length()) return
        path.push(parts[index])
        show()
    }
    fun back() {
        if (path.length() > 0) path.pop()
        show()
    }
    fun home() {
        path = []
        show()
    }
}
