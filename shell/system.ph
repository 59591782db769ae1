// shell/system.ph: the system world's program: the object shell, a prompt on the console
// that evaluates Phantom code against the live objects of the world and looks around in it.
// It is an ordinary world program: its thread, its state (the current object) and every
// variable and class typed at it live in persistent memory, so they survive power cuts and
// restarts. The `World` internal class (vm/world/WorldNatives.h) gives it the console, the
// compiler, snapshots and rollback; docs/shell.md describes the commands.

class Shell {
    // The path from the root to the current object: [name, object] pairs.
    static var trail = []

    static fun start() {
        print("phantom object shell (generation ${World.generation()}), type help")
        while (true) {
            write("phantom> ")
            let line = World.readLine()
            if (line == true) {
                // The world resumed while the shell waited here (a restart or a rollback).
                print("")
                print(World.resumeNote())
            } else if (line == nil) {
                print("")
                print("end of input; the shell waits for the world to resume")
                World.awaitResume()
                print(World.resumeNote())
            } else if (line is String) {
                handle(line.trim())
            }
        }
    }

    static fun handle(line) {
        if (line == "") return
        let space = line.indexOf(" ")
        let word = space < 0 ? line : line.substring(0, space)
        let rest = space < 0 ? "" : line.substring(space + 1).trim()
        if (rest == "") {
            if (word == "help") return help()
            if (word == "root") return root()
            if (word == "ls") return list()
            if (word == "pwd") return print(pathText())
            if (word == "threads") return threads()
            if (word == "snapshot") return snapshot()
            if (word == "generations") return generations()
        }
        if (word == "cd") return change(rest)
        if (word == "inspect") return inspect(rest)
        if (word == "rollback") return rollback(rest)
        evaluate(line)
    }

    static fun help() {
        print("Phantom code is evaluated: 1 + 2, var x = 5, class Point { ... }, p.x")
        print("(an unfinished input goes on on the next lines; a blank line gives up)")
        print("  help              this text")
        print("  root              the root object: go there and list it")
        print("  ls                the fields, elements or entries of the current object")
        print("  cd NAME           into a part of the current object (cd .., cd /, cd a/b)")
        print("  pwd               where the shell is")
        print("  inspect EXPR      class, size and fields of a value (a part's name, or code)")
        print("  threads           the VM's threads: id, state, frames, name")
        print("  snapshot          take a snapshot now")
        print("  generations       the kept generations: number, time, size")
        print("  rollback N        the whole world goes back to generation N")
    }

    // Compiles and runs one input; prints its value, its errors or its exception. An input
    // that ends too early (an open brace, a trailing operator) goes on on the next lines,
    // until it compiles or a blank line gives up.
    static fun evaluate(source) {
        var text = source
        var code = World.compile(text)
        while (code is String && unfinished(code)) {
            write("... ")
            let more = World.readLine()
            if (more == true) {
                print("")
                return print(World.resumeNote())
            }
            if (!(more is String) || more.trim() == "") break
            text = text + "\n" + more
            code = World.compile(text)
        }
        if (code == true) return print(World.resumeNote())
        if (code is String) return write(code)
        try {
            let value = World.run(code)
            if (value != nil) print(show(value))
        } catch (e) {
            report(e)
        }
    }

    // Whether compile errors say the input stopped in the middle of something.
    static fun unfinished(errors) => errors.contains(", found end of file") || errors.contains("is never closed")

    static fun show(value) {
        if (value is String) return "\"" + value + "\""
        return "${value}"
    }

    // An exception from evaluated code, with the frames of the input (not the shell's own).
    static fun report(e) {
        if (!(e is Exception)) return print("thrown: ${World.describe(e)}")
        print("${e}")
        let trace = e.stackTrace()
        if (!(trace is String)) return
        for (frame in trace.split("\n")) {
            if (frame != "" && !frame.contains("at Shell.") && !frame.contains("at system."))
                print(frame)
        }
    }

    static fun current() => trail.isEmpty() ? World.globals() : trail[trail.length() - 1][1]

    static fun pathText() {
        if (trail.isEmpty()) return "/"
        var text = ""
        for (step in trail) text = text + "/" + step[0]
        return text
    }

    static fun root() {
        trail = []
        let globals = World.globals()
        print("root: ${globals.length()} globals, ${World.threads().length()} threads, generation ${World.generation()}")
        list()
    }

    static fun list() {
        let parts = World.children(current())
        if (parts.isEmpty()) return print("(${World.describe(current())} has no parts)")
        for (part in parts) print("  ${part[0]} = ${World.describe(part[1])}")
    }

    static fun change(path) {
        if (path == "" || path == "/") {
            trail = []
            return print("/")
        }
        if (path.startsWith("/")) trail = []
        for (name in path.split("/")) {
            if (name == "" || name == ".") continue
            if (name == "..") {
                if (!trail.isEmpty()) trail.pop()
                continue
            }
            let found = part(name)
            if (found == nil) return print("no '${name}' in ${pathText()}; ls lists what is there")
            trail.push([name, found[1]])
        }
        print(pathText())
    }

    // The [name, value] part of the current object with this name, or nil.
    static fun part(name) {
        for (candidate in World.children(current())) {
            if (candidate[0] == name) return candidate
        }
        return nil
    }

    static fun inspect(what) {
        if (what == "" || what == ".") return write(World.inspect(current()))
        let found = part(what)
        if (found != nil) return write(World.inspect(found[1]))
        let code = World.compile(what)
        if (code == true) return print(World.resumeNote())
        if (code is String) return write(code)
        try {
            write(World.inspect(World.run(code)))
        } catch (e) {
            report(e)
        }
    }

    static fun threads() {
        print("    id  state      frames  name")
        for (row in World.threads())
            print("  ${padLeft(row[0], 4)}  ${padRight(row[2], 9)}  ${padLeft(row[3], 6)}  ${row[1]}")
    }

    static fun snapshot() {
        let info = World.snapshot()
        if (info == true) return print(World.resumeNote())
        if (info is String) return print("snapshot failed: ${info}")
        print("snapshot: generation ${info[0]}, pause ${milliseconds(info[1])} ms, ${info[2]} pages written")
    }

    static fun generations() {
        print("  generation  time (UTC)           pages  pause")
        for (row in World.generations())
            print("  ${padLeft(row[0], 10)}  ${dateText(row[1])}  ${padLeft(row[2], 5)}  ${milliseconds(row[3])} ms")
    }

    static fun rollback(text) {
        let generation = text.toInt()
        if (generation == nil) return print("rollback needs a generation number; generations lists them")
        print("rolling back to generation ${generation}")
        let answer = World.rollback(generation)
        if (answer is String) return print("rollback failed: ${answer}")
        if (answer == true) print(World.resumeNote())
    }

    // Microseconds as milliseconds with three decimals.
    static fun milliseconds(microseconds) {
        let fraction = microseconds % 1000
        return "${microseconds / 1000}.${padZeros(fraction, 3)}"
    }

    static fun padLeft(value, width) {
        var text = "${value}"
        while (text.length() < width) text = " " + text
        return text
    }

    static fun padRight(value, width) {
        var text = "${value}"
        while (text.length() < width) text = text + " "
        return text
    }

    static fun padZeros(number, width) {
        var text = "${number}"
        while (text.length() < width) text = "0" + text
        return text
    }

    // Milliseconds since 1970 as "YYYY-MM-DD hh:mm:ss" (UTC; the proleptic Gregorian calendar).
    static fun dateText(milliseconds) {
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

Shell.start()
