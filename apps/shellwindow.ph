// apps/shellwindow.ph: the object shell as a desktop window. The same ObjectShell as on the
// console (shell/objectshell.ph) with this window as its output: a transcript above, a line
// to type into below; Enter hands the line over. The window keeps its own place in the
// object tree and its transcript, objects of the heap like everything else.

import "../shell/desktop/widgets.ph"
import "../shell/desktop/text.ph"
import "../shell/objectshell.ph"

let SHELL_TRANSCRIPT_LINES = 400

class ShellWindow : App {
    var shell = nil
    var transcript = nil
    var input = nil
    var lines = [""]         // the transcript; the last line is still being written

    init() {
        super("Object shell", placeX("Object shell", 500), placeY("Object shell", 410), 500, 280)
        transcript = TextArea("")
        transcript.readOnly = true
        transcript.grow = 1
        input = textField("", fun(text) => enter(text))
        input.face = "mono"
        setRoot(padded(column([transcript, input], 6), 8))
        shell = ObjectShell(this)
        line(shell.banner())
        text(shell.prompt())
    }
    fun open() {
        super.open()
        setFocus(input)
    }

    // A line typed into the input field.
    fun enter(typed) {
        line(typed)
        input.setText("")
        shell.submit(typed)
        text(shell.prompt())
    }

    // ObjectShell's output.
    fun line(value) { text(value + "\n") }
    fun text(value) {
        let parts = value.split("\n")
        lines[lines.length() - 1] = lines[lines.length() - 1] + parts[0]
        for (part in parts.slice(1)) lines.push(part)
        while (lines.length() > SHELL_TRANSCRIPT_LINES) lines.removeAt(0)
        transcript.setText(lines.join("\n"))
        transcript.moveTo(lines.length() - 1, lines[lines.length() - 1].length(), false)
        transcript.ensureVisible()
        transcript.repaint()
    }

    // The last answer (the transcript's last complete line) and, in brackets, what is typed.
    fun summary() => "${lines.length() > 1 ? lines[lines.length() - 2] : lines[0]} [${input.text()}]"
}
