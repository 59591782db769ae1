// apps/notepad.ph: Notepad, a text editor whose text needs no file: it lives in the
// TextArea's lines, objects in the persistent heap, so it survives a power cut as it is,
// cursor, selection and scroll position included.

import "../shell/desktop/widgets.ph"

class Notepad : App {
    var editor = nil
    var status = nil

    init() {
        super("Notepad", placeX("Notepad", 40), placeY("Notepad", 40), 460, 300)
        editor = TextArea("Welcome to Phantom.\n\nThis note is saved nowhere: it is an object,\nand every object persists. Type, pull the\nplug, boot again: the text is still here.\n")
        editor.grow = 1
        editor.onChange = fun(area) => updateStatus()
        status = Label("")
        status.color = Theme.muted
        let tools = row([
            button("Cut", fun() => edit("x")),
            button("Copy", fun() => edit("c")),
            button("Paste", fun() => edit("v")),
            button("Select all", fun() => edit("a")),
            button("Clear", fun() { editor.setText(""); updateStatus() }),
        ], 6)
        setRoot(padded(column([tools, editor, status], 6), 8))
        focus = nil
        updateStatus()
    }
    // The toolbar does what the keys do: a Control+key event for the editor.
    fun edit(letter) {
        editor.key(Keystroke(letter, CONTROL))
        setFocus(editor)
        updateStatus()
    }
    fun updateStatus() {
        var characters = 0
        for (line in editor.lines) characters += line.length()
        status.setText("Line ${editor.row + 1}, column ${editor.column + 1}    ${editor.lines.length()} lines, ${characters} characters")
    }
    fun open() {
        super.open()
        setFocus(editor)
    }
    fun tick(now) { updateStatus() }
    fun summary() => editor.text().replace("\n", "\\n")
}

// A key event made by a program (toolbar buttons), shaped like the desktop's Event.
class Keystroke {
    var type = "key"
    var key = ""
    var text = ""
    var modifiers = 0
    init(key, modifiers) {
        this.key = key
        this.modifiers = modifiers
    }
}
