// shell/objectshell.ph: the object shell's evaluation, one class for every place it runs:
// ObjectShell takes the lines a person types (submit) and sends its answers to an output
// object with line(text) and text(text). The system world (shell/system.ph) runs one on the
// console with a ConsoleOutput; the desktop's "Object shell" window (apps/shellwindow.ph)
// runs another into its text. Each keeps its own place in the object tree (cd). Evaluated
// code that prints itself (print, write) writes to the console, wherever it was typed.
// docs/shell.md describes the commands.

class ObjectShell {
    // The path from the root to the current object: [name, object] pairs.
    var trail = []
    var out = nil         // where answers go: line(text) and text(text)
    var pending = nil     // an unfinished input waiting for its next line
    var pendingErrors = ""

    init(out) {
        this.out = out
    }

    fun banner() => "phantom object shell (generation ${World.generation()}), type help"
    // What to show before the next line: an unfinished input goes on with "... ".
    fun prompt() => pending == nil ? "phantom> " : "... "

    // One line as it was typed. The answers (values, errors, listings) go to `out`; an
    // unfinished input waits for the next line, a blank one gives up on it.
    fun submit(line) {
        if (pending == nil) return handle(line.trim())
        let text = pending
        pending = nil
        if (line.trim() == "") return out.text(pendingErrors)
        evaluate(text + "\n" + line)
    }

    // The input ended in the middle of an unfinished one: its errors, as a blank line would.
    fun giveUp() {
        if (pending == nil) return
        pending = nil
        out.text(pendingErrors)
    }

    // The world resumed (a restart or a rollback) while this shell waited for a line.
    fun resumed() {
        pending = nil
        out.line(World.resumeNote())
    }

    fun handle(line) {
        if (line == "") return
        let space = line.indexOf(" ")
        let word = space < 0 ? line : line.substring(0, space)
        let rest = space < 0 ? "" : line.substring(space + 1).trim()
        if (rest == "") {
            if (word == "help") return help()
            if (word == "root") return root()
            if (word == "ls") return list()
            if (word == "pwd") return out.line(pathText())
            if (word == "threads") return threads()
            if (word == "snapshot") return snapshot()
            if (word == "generations") return generations()
        }
        if (word == "cd") return change(rest)
        if (word == "inspect") return inspect(rest)
        if (word == "rollback") return rollback(rest)
        evaluate(line)
    }

    fun help() {
        out.line("Phantom code is evaluated: 1 + 2, var x = 5, class Point { ... }, p.x")
        out.line("(an unfinished input goes on on the next lines; a blank line gives up)")
        out.line("  help              this text")
        out.line("  root              the root object: go there and list it")
        out.line("  ls                the fields, elements or entries of the current object")
        out.line("  cd NAME           into a part of the current object (cd .., cd /, cd a/b)")
        out.line("  pwd               where the shell is")
        out.line("  inspect EXPR      class, size and fields of a value (a part's name, or code)")
        out.line("  threads           the VM's threads: id, state, frames, name")
        out.line("  snapshot          take a snapshot now")
        out.line("  generations       the kept generations: number, time, size")
        out.line("  rollback N        the whole world goes back to generation N")
    }

    // Compiles and runs one input; prints its value, its errors or its exception. An input
    // that ends too early (an open brace, a trailing operator) goes on on the next lines,
    // until it compiles or a blank line gives up.
    fun evaluate(text) {
        let code = World.compile(text)
        if (code is String && unfinished(code)) {
            pending = text
            pendingErrors = code
            return
        }
        if (code == true) return out.line(World.resumeNote())
        if (code is String) return out.text(code)
        try {
            let value = World.run(code)
            if (value != nil) out.line(show(value))
        } catch (e) {
            report(e)
        }
    }

    // Whether compile errors say the input stopped in the middle of something.
    fun unfinished(errors) => errors.contains(", found end of file") || errors.contains("is never closed")

    fun show(value) {
        if (value is String) return "\"" + value + "\""
        return "${value}"
    }

    // An exception from evaluated code, with the frames of the input (not the shell's own).
    fun report(e) {
        if (!(e is Exception)) return out.line("thrown: ${World.describe(e)}")
        out.line("${e}")
        let trace = e.stackTrace()
        if (!(trace is String)) return
        for (frame in trace.split("\n")) {
            if (frame != "" && !frame.contains("Shell.") && !frame.contains("at system.")
                && !frame.contains("at objectshell.") && !frame.contains("at ConsoleOutput.")
                && !frame.contains("at SystemConsole."))
                out.line(frame)
        }
    }

    fun current() => trail.isEmpty() ? World.globals() : trail[trail.length() - 1][1]

    fun pathText() {
        if (trail.isEmpty()) return "/"
        var text = ""
        for (step in trail) text = text + "/" + step[0]
        return text
    }

    fun root() {
        trail = []
        let globals = World.globals()
        out.line("root: ${globals.length()} globals, ${World.threads().length()} threads, generation ${World.generation()}")
        list()
    }

    fun list() {
        let parts = World.children(current())
        if (parts.isEmpty()) return out.line("(${World.describe(current())} has no parts)")
        for (part in parts) out.line("  ${part[0]} = ${World.describe(part[1])}")
    }

    fun change(path) {
        if (path == "" || path == "/") {
            trail = []
            return out.line("/")
        }
        if (path.startsWith("/")) trail = []
        for (name in path.split("/")) {
            if (name == "" || name == ".") continue
            if (name == "..") {
                if (!trail.isEmpty()) trail.pop()
                continue
            }
            let found = part(name)
            if (found == nil) return out.line("no '${name}' in ${pathText()}; ls lists what is there")
            trail.push([name, found[1]])
        }
        out.line(pathText())
    }

    // The [name, value] part of the current object with this name, or nil.
    fun part(name) {
        for (candidate in World.children(current())) {
            if (candidate[0] == name) return candidate
        }
        return nil
    }

    fun inspect(what) {
        if (what == "" || what == ".") return out.text(World.inspect(current()))
        let found = part(what)
        if (found != nil) return out.text(World.inspect(found[1]))
        let code = World.compile(what)
        if (code == true) return out.line(World.resumeNote())
        if (code is String) return out.text(code)
        try {
            out.text(World.inspect(World.run(code)))
        } catch (e) {
            report(e)
        }
    }

    fun threads() {
        out.line("    id  state      frames  name")
        for (row in World.threads())
            out.line("  ${padLeft(row[0], 4)}  ${padRight(row[2], 9)}  ${padLeft(row[3], 6)}  ${row[1]}")
    }

    fun snapshot() {
        let info = World.snapshot()
        if (info == true) return out.line(World.resumeNote())
        if (info is String) return out.line("snapshot failed: ${info}")
        out.line("snapshot: generation ${info[0]}, pause ${milliseconds(info[1])} ms, ${info[2]} pages written")
    }

    fun generations() {
        out.line("  generation  time (UTC)           pages  pause")
        for (row in World.generations())
            out.line("  ${padLeft(row[0], 10)}  ${dateText(row[1])}  ${padLeft(row[2], 5)}  ${milliseconds(row[3])} ms")
    }

    fun rollback(text) {
        let generation = text.toInt()
        if (generation == nil) return out.line("rollback needs a generation number; generations lists them")
        out.line("rolling back to generation ${generation}")
        let answer = World.rollback(generation)
        if (answer is String) return out.line("rollback failed: ${answer}")
        if (answer == true) out.line(World.resumeNote())
    }

    // Microseconds as milliseconds with three decimals.
    fun milliseconds(microseconds) {
        let fraction = microseconds % 1000
        return "${microseconds / 1000}.${padZeros(fraction, 3)}"
    }

    fun padLeft(value, width) {
        var text = "${value}"
        while (text.length() < width) text = " " + text
        return text
    }

    fun padRight(value, width) {
        var text = "${value}"
        while (text.length() < width) text = text + " "
        return text
    }

    fun padZeros(number, width) {
        var text = "${number}"
        while (text.length() < width) text = "0" + text
        return text
    }

    // Milliseconds since 1970 as "YYYY-MM-DD hh:mm:ss" (UTC; the proleptic Gregorian calendar).
    fun dateText(milliseconds) {
        let seconds = milliseconds / 1000
        let days = seconds / 86400
        let daySeconds = seconds % 86400
        // Days since 1970-01-01 to a civil date, counting in 400-year eras from 0000-03-01.
        let shifted = days + 719468
        let era = shifted / 146097
        let dayOfEra = shifted - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "${year}-${padZeros(month, 2)}-${padZeros(day, 2)} ${padZeros(daySeconds / 3600, 2)}:${padZeros(daySeconds / 60 % 60, 2)}:${padZeros(daySeconds % 60, 2)}"
    }
}

// The world's console as an ObjectShell's output.
class ConsoleOutput {
    fun line(text) { print(text) }
    fun text(text) { write(text) }
}
